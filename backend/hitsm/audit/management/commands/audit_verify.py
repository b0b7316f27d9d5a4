from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from hitsm.audit.chain import chain_verify
from hitsm.audit.models import AuditSeal


class Command(BaseCommand):
    help = (
        "Recompute the audit log's hash chain from the first seal and report the first broken "
        "seal (a row changed, deleted or inserted, a seal changed or removed). Exits 1 when the "
        "chain is broken or an --anchor does not match."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--anchor",
            action="append",
            default=[],
            metavar="SEQUENCE:HASH",
            help="a seal's hash recorded outside the database (the sealer's log line, or the "
            "auditor's note from /api/v1/audit/seals/); it must still be in the chain",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        anchors: list[tuple[int, str]] = []
        for anchor in options["anchor"]:
            sequence, _, value = anchor.partition(":")
            if not sequence.isdigit() or len(value) != 64:
                raise CommandError(f"--anchor {anchor!r}: expected SEQUENCE:64-hex-digit-hash")
            anchors.append((int(sequence), value.lower()))
        report = chain_verify()
        purged = (
            f" (rows of seals #1–#{report.purged_through} purged)" if report.purged_through else ""
        )
        self.stdout.write(f"Seals checked: {report.seals}{purged}")
        for key, count in report.rows_checked.items():
            self.stdout.write(
                f"  {key}: {count} row(s) checked, {report.unsealed.get(key, 0)} not sealed yet"
            )
        if report.oldest_unsealed is not None:
            stamp = timezone.localtime(report.oldest_unsealed).strftime("%Y-%m-%d %H:%M:%S")
            self.stdout.write(f"Oldest row not sealed yet: {stamp}")
        if report.problem is not None:
            problem = report.problem
            raise CommandError(
                f"BROKEN at seal #{problem.sequence} ({problem.kind}): {problem.detail}"
            )
        for sequence, value in anchors:
            seal = AuditSeal.objects.filter(sequence=sequence).first()
            if seal is None or seal.hash != value:
                raise CommandError(f"BROKEN: anchor #{sequence} does not match the chain")
        self.stdout.write(self.style.SUCCESS(f"Chain intact. Head: {report.head}"))
