"""Run the SLA scanner once, or every N seconds (what beat does; for tests and incidents)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from hitsm.core.context import acting_as
from hitsm.servicedesk.clocks import sla_scan


class Command(BaseCommand):
    help = "Fire due SLA warnings, breaches and escalation levels (each exactly once)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--loop", type=float, default=0, help="repeat every N seconds")

    def handle(self, *args: Any, **options: Any) -> None:
        while True:
            with acting_as(label="command:sla_scan"):
                fired = sla_scan()
            if fired:
                self.stdout.write(f"{fired} notices fired")
            if not options["loop"]:
                return
            time.sleep(options["loop"])
