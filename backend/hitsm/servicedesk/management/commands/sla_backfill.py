"""Give existing open tickets their SLA clocks (go-live, imported tickets) without paging anyone
about thresholds they passed long ago."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from hitsm.core.context import acting_as
from hitsm.servicedesk.choices import OPEN_STATUSES
from hitsm.servicedesk.clocks import clocks_backfill
from hitsm.servicedesk.models import Ticket


class Command(BaseCommand):
    help = "Compute clocks for open tickets; thresholds already passed are recorded silently."

    def handle(self, *args: Any, **options: Any) -> None:
        ids = list(Ticket.objects.filter(status__in=OPEN_STATUSES).values_list("id", flat=True))
        with acting_as(label="command:sla_backfill"):
            recorded = clocks_backfill(ids)
        self.stdout.write(f"{len(ids)} open tickets, {recorded} past thresholds recorded silently")
