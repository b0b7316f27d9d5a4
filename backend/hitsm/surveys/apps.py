from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "hitsm.surveys"
    label = "surveys"
    verbose_name = "满意度调查"

    def ready(self) -> None:
        from hitsm.surveys.signals import connect

        connect()  # a resolved (or closed) ticket opens its survey, in the same transaction
