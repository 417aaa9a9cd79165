"""The tests' stand-in for a party: it registers the loopback partners' resolver."""

from django.apps import AppConfig

from punchin.web.delivery import targets
from tests.delivery.partner import LoopbackTargets


class DeliveryTestsConfig(AppConfig):
    name = "tests.delivery"
    label = "delivery_tests"

    def ready(self) -> None:
        targets.register(LoopbackTargets())
