from django.apps import AppConfig


class OpsConfig(AppConfig):
    """Operations: backups and restores (no models)."""

    name = "ancrage.ops"
    label = "ops"
