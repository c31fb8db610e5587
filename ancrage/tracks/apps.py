from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TracksConfig(AppConfig):
    name = "ancrage.tracks"
    verbose_name = _("Logement, santé, langue et droits")
