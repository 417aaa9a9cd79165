from django.apps import AppConfig


class PartnersConfig(AppConfig):
    name = "punchin.procurement.partners"
    label = "procurement_partners"
    verbose_name = "Supplier partners"

    def ready(self) -> None:
        from punchin.procurement.partners.delivery import SupplierTargets  # needs the models
        from punchin.web.delivery import targets

        targets.register(SupplierTargets())
