"""Add newly announced public holidays and make-up working days (after upgrading chinesecalendar)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from hitsm.core.context import acting_as
from hitsm.sla.models import PublicHoliday
from hitsm.sla.reference import holidays_load


class Command(BaseCommand):
    help = "Load China's announced holidays and make-up working days for the given years."

    def add_arguments(self, parser: CommandParser) -> None:
        this_year = timezone.localdate().year
        parser.add_argument("--from-year", type=int, default=this_year)
        parser.add_argument("--to-year", type=int, default=this_year + 1)

    def handle(self, *args: Any, **options: Any) -> None:
        with acting_as(label="command:sla_load_holidays"):
            added = holidays_load(PublicHoliday, options["from_year"], options["to_year"])
        years = set(
            PublicHoliday.objects.filter(
                date__year__gte=options["from_year"], date__year__lte=options["to_year"]
            ).dates("date", "year")
        )
        missing = [
            y
            for y in range(options["from_year"], options["to_year"] + 1)
            if dt.date(y, 1, 1) not in years
        ]
        self.stdout.write(f"added {added} days")
        if missing:
            self.stdout.write(
                self.style.WARNING(
                    f"no announced schedule for {missing}: upgrade chinesecalendar when the "
                    "State Council publishes it, or enter the days by hand"
                )
            )
