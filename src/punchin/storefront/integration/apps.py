from django.apps import AppConfig


class IntegrationConfig(AppConfig):
    name = "punchin.storefront.integration"
    label = "integration"
    verbose_name = "Systems integrations"
