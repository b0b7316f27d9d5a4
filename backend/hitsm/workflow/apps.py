from django.apps import AppConfig


class WorkflowConfig(AppConfig):
    name = "hitsm.workflow"
    label = "workflow"
    verbose_name = "流程引擎"
