from django.apps import AppConfig


class SubmissionsConfig(AppConfig):
    name = "punchin.storefront.submissions"
    label = "submissions"
    verbose_name = "Punch-in submissions"
