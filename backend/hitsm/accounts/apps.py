from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "hitsm.accounts"
    label = "accounts"
    verbose_name = "账号与科室"

    def ready(self) -> None:
        from hitsm.accounts import imports, signals  # noqa: F401  (registers handlers)
