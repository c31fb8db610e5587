from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RetentionConfig(AppConfig):
    name = "ancrage.retention"
    verbose_name = _("Durées de conservation")
