from typing import Any

from django.core.management.base import BaseCommand

from hitsm.accounts.demo import DEMO_PASSWORD, PERSONAS, load_demo


class Command(BaseCommand):
    help = "Load (or refresh) the demo hospital: departments, staff and roles. Idempotent."

    def handle(self, *args: Any, **options: Any) -> None:
        counts = load_demo()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo hospital ready: {counts['departments']} departments, {counts['users']} users "
                f"({counts['users_created']} new)."
            )
        )
        self.stdout.write(f"Demo accounts (password {DEMO_PASSWORD}):")
        for person in PERSONAS:
            self.stdout.write(f"  {person.username:<16} {person.name:<8} {', '.join(person.roles)}")
