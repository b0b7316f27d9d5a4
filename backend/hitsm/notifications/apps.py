from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "hitsm.notifications"
    label = "notifications"
    verbose_name = "通知"
