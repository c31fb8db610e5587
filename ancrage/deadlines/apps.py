from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeadlinesConfig(AppConfig):
    name = "ancrage.deadlines"
    verbose_name = _("Échéances")

    def ready(self) -> None:
        from . import signals

        signals.connect()
