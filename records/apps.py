from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "records"
    verbose_name = "Medical records"

    def ready(self) -> None:
        from .audit import register_models

        register_models()
