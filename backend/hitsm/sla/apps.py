from django.apps import AppConfig


class SlaConfig(AppConfig):
    name = "hitsm.sla"
    label = "sla"
    verbose_name = "服务级别"
