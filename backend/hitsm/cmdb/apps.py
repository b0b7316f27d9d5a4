from django.apps import AppConfig


class CmdbConfig(AppConfig):
    name = "hitsm.cmdb"
    label = "cmdb"
    verbose_name = "配置管理 CMDB"

    def ready(self) -> None:
        from hitsm.cmdb import imports, signals  # noqa: F401  (registers the job and signals)
