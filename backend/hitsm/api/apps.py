from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "hitsm.api"
    label = "api"
    verbose_name = "API"
