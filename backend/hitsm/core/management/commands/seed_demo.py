from importlib import import_module
from importlib.util import find_spec
from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction

from hitsm.core.context import acting_as, loading_history


class Command(BaseCommand):
    help = (
        "Load (or refresh) the demo hospital. Every HITSM app may ship a `demo.py` with a "
        "`load_demo()` function; they run in INSTALLED_APPS order (lower apps first). Idempotent."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        with transaction.atomic(), acting_as(label="command:seed_demo"), loading_history():
            for config in apps.get_app_configs():
                if not config.name.startswith("hitsm.") or find_spec(f"{config.name}.demo") is None:
                    continue
                summary = import_module(f"{config.name}.demo").load_demo()
                self.stdout.write(self.style.SUCCESS(f"{config.verbose_name}: {summary}"))
        from hitsm.accounts.demo import DEMO_PASSWORD, PERSONAS

        self.stdout.write(f"Demo accounts (password {DEMO_PASSWORD}):")
        for person in PERSONAS:
            self.stdout.write(f"  {person.username:<16} {person.name:<8} {', '.join(person.roles)}")
