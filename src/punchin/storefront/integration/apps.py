from django.apps import AppConfig


class IntegrationConfig(AppConfig):
    name = "punchin.storefront.integration"
    label = "integration"
    verbose_name = "Systems integrations"

    def ready(self) -> None:
        from punchin.storefront.integration.services import PurchasingSystemTargets  # models
        from punchin.web.delivery import targets

        targets.register(PurchasingSystemTargets())
