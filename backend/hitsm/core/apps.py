from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "hitsm.core"
    label = "core"
    verbose_name = "核心"

    def ready(self) -> None:
        from hitsm.core import changelog, refcache

        changelog.connect_signals()
        refcache.connect_signals()
