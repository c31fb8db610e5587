from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RomeConfig(AppConfig):
    name = "ancrage.rome"
    label = "rome"
    verbose_name = _("répertoire des métiers (ROME)")
