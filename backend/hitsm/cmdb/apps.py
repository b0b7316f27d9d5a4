from django.apps import AppConfig


class CmdbConfig(AppConfig):
    name = "hitsm.cmdb"
    label = "cmdb"
    verbose_name = "配置管理 CMDB"
