from django.apps import AppConfig


class DashboardsConfig(AppConfig):
    name = "hitsm.dashboards"
    label = "dashboards"
    verbose_name = "指标与看板"

    def ready(self) -> None:
        from hitsm.dashboards import jobs  # noqa: F401  (registers the KPI job)
