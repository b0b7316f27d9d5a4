from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "hitsm.api"
    label = "api"
    verbose_name = "API"

    def ready(self) -> None:
        from hitsm.api import schema  # noqa: F401  (registers OpenAPI extensions)
