from typing import Any

from django.core.management.base import BaseCommand

from hitsm.audit.services import audit_seal_pending
from hitsm.core.context import acting_as


class Command(BaseCommand):
    help = (
        "Seal the audit log rows that have settled since the last seal (beat does this every "
        "few minutes; run by hand before a verification or an export)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        with acting_as(label="command:audit_seal"):
            made = audit_seal_pending()
        self.stdout.write(self.style.SUCCESS(f"{made} seal(s) appended."))
