from django.apps import AppConfig


class WorkflowConfig(AppConfig):
    name = "hitsm.workflow"
    label = "workflow"
    verbose_name = "流程引擎"

    def ready(self) -> None:
        from hitsm.workflow import webhooks  # noqa: F401  (registers the http_webhook action)
