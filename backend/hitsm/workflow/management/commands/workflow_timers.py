"""Fire due process timers and send due process webhooks, once or every N seconds (what beat
does; for tests and incidents)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from hitsm.core.context import acting_as
from hitsm.workflow.services import timers_fire
from hitsm.workflow.webhooks import webhooks_send


class Command(BaseCommand):
    help = "Fire due BPMN timers (each exactly once, safe with several workers)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--loop", type=float, default=0, help="repeat every N seconds")

    def handle(self, *args: Any, **options: Any) -> None:
        while True:
            with acting_as(label="command:workflow_timers"):
                fired = timers_fire()
                sent = webhooks_send()
            if fired or sent:
                self.stdout.write(f"{fired} timers fired, {sent} webhook attempts")
            if not options["loop"]:
                return
            time.sleep(options["loop"])
