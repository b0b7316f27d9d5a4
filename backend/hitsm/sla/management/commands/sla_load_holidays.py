"""Add newly announced public holidays and make-up working days (after upgrading chinesecalendar);
years not yet announced get the statutory holidays estimated from the law."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from hitsm.core.context import acting_as
from hitsm.sla.models import PublicHoliday
from hitsm.sla.reference import holidays_load, last_announced_year


class Command(BaseCommand):
    help = "Load China's announced holidays and make-up working days for the given years."

    def add_arguments(self, parser: CommandParser) -> None:
        this_year = timezone.localdate().year
        parser.add_argument("--from-year", type=int, default=this_year)
        parser.add_argument("--to-year", type=int, default=this_year + 1)

    def handle(self, *args: Any, **options: Any) -> None:
        first, last = options["from_year"], options["to_year"]
        with acting_as(label="command:sla_load_holidays"):
            added = holidays_load(PublicHoliday, first, last)
        self.stdout.write(f"added {added} days")
        announced = last_announced_year()
        estimated = [year for year in range(first, last + 1) if year > announced]
        if estimated:
            self.stdout.write(
                self.style.WARNING(
                    f"no announced schedule for {estimated}: their statutory holidays are "
                    "estimated from the law (source 'statutory') and no make-up working days "
                    "are known; upgrade chinesecalendar when the State Council publishes the "
                    "schedule and run this again, or enter the days by hand"
                )
            )
