from django.apps import AppConfig


class ServicedeskConfig(AppConfig):
    name = "hitsm.servicedesk"
    label = "servicedesk"
    verbose_name = "服务台"

    def ready(self) -> None:
        from hitsm.servicedesk import playback  # noqa: F401  (queues transcoding after uploads)
        from hitsm.servicedesk.clocks import connect_signals

        connect_signals()  # SLA clocks follow the timeline
        from hitsm.servicedesk import workflow_hooks

        workflow_hooks.connect()  # tickets are process subjects; the desk's service-task actions
