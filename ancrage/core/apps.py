from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "ancrage.core"
    label = "core"
