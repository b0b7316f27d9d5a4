import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from hitsm.audit.chain import RETENTION_DAYS
from hitsm.audit.services import AuditRefused, audit_purge
from hitsm.core.context import acting_as


class Command(BaseCommand):
    help = (
        f"Delete audit log rows (change log, login log) written before DATE. Refuses anything "
        f"younger than {RETENTION_DAYS} days and a chain that does not verify; deletes whole "
        f"sealed ranges only, keeps the seals, and records its own run in the change log."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--before", required=True, metavar="YYYY-MM-DD")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            day = dt.date.fromisoformat(options["before"])
        except ValueError as exc:
            raise CommandError(f"--before {options['before']!r}: expected YYYY-MM-DD") from exc
        before = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
        try:
            with acting_as(label="command:audit_purge"):
                result = audit_purge(before=before)
        except AuditRefused as exc:
            raise CommandError(str(exc.message)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Purged through seal #{result.through_sequence}: "
                + ", ".join(f"{key} {n}" for key, n in result.deleted.items())
            )
        )
        if result.unsealed_kept:
            self.stdout.write(
                f"{result.unsealed_kept} row(s) before {day} are not sealed yet and were kept."
            )
