from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SteeringConfig(AppConfig):
    name = "ancrage.steering"
    verbose_name = _("Pilotage du contrat territorial")

    def ready(self) -> None:
        from . import signals

        signals.connect()
