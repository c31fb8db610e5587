from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "ancrage.core"
    label = "core"

    def ready(self) -> None:
        from . import lookups  # noqa: F401 — registers ``__in_list`` on every field
