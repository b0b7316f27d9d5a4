from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "hitsm.catalog"
    label = "catalog"
    verbose_name = "服务菜单"
