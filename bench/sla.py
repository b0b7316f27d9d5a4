"""SLA benchmarks on a loaded HOSP profile: the scanner and the KPI engine.

    cd bench && DATABASE_URL=postgres://postgres@127.0.0.1:5432/hitsm_bench \\
        uv run --project ../backend python sla.py --label SLA-HOSP-1M-postgresql

1. Clocks for every ticket. Open tickets get their clocks computed for real from their timeline
   (``clocks_refresh``: policy, calendar, pauses). Closed tickets, which only matter to the KPIs,
   get their two clock rows filled in one SQL statement from their accept/resolve times and
   deadlines (business-time exactness does not change the cost of counting them).
   Thresholds they passed long ago are recorded silently, as ``manage.py sla_backfill`` does.
2. Scanner passes over the open tickets with running clocks, timed with none, 1 %, 10 % and
   all of them due (``next_check_at`` moved into the past), as beat would run them.
3. The KPI set for the busiest month (fresh, uncached) and each tile on its own.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

BACKEND = Path(__file__).resolve().parent.parent / "backend"
RESULTS = Path(__file__).resolve().parent / "results"
sys.path.insert(0, str(BACKEND))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("HITSM_DEBUG", "true")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.db.models.functions import TruncMonth  # noqa: E402
from django.utils import timezone  # noqa: E402

from hitsm.core.context import acting_as  # noqa: E402
from hitsm.dashboards.kpis import KPIS, KpiFilters, kpi_compute, month_range  # noqa: E402
from hitsm.servicedesk.clocks import clocks_backfill, sla_scan  # noqa: E402
from hitsm.servicedesk.models import Ticket, TicketClock  # noqa: E402

OPEN = ("new", "accepted", "assigned", "in_progress", "pending")


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def closed_clocks_sql() -> None:
    """Two clock rows per finished ticket, from its columns, in one statement per metric."""
    now = timezone.now()
    with connection.cursor() as cursor:
        for metric, stop, due in (
            ("response", "accepted_at", "response_due_at"),
            ("resolution", "resolved_at", "resolution_due_at"),
        ):
            cursor.execute(
                f"""
                INSERT INTO servicedesk_ticketclock
                    (ticket_id, metric, policy_name, target_minutes, elapsed_minutes, state,
                     due_at, breached_at, stopped_at, pause_reason, next_check_at, computed_at)
                SELECT t.id, %s, '标准服务（工作时间）',
                       GREATEST(1, EXTRACT(EPOCH FROM (t.{due} - t.created_at)) / 60)::int,
                       GREATEST(0, EXTRACT(EPOCH FROM (COALESCE(t.{stop}, t.updated_at) - t.created_at)) / 60),
                       CASE WHEN t.status = 'cancelled' THEN 'cancelled'
                            WHEN COALESCE(t.{stop}, t.updated_at) > t.{due} THEN 'breached'
                            ELSE 'met' END,
                       NULL,
                       CASE WHEN COALESCE(t.{stop}, t.updated_at) > t.{due} THEN t.{due} END,
                       COALESCE(t.{stop}, t.updated_at), '', NULL, %s
                FROM servicedesk_ticket t
                WHERE t.status NOT IN ('new', 'accepted', 'assigned', 'in_progress', 'pending')
                  AND t.{due} IS NOT NULL
                  AND NOT EXISTS (SELECT 1 FROM servicedesk_ticketclock c
                                  WHERE c.ticket_id = t.id AND c.metric = %s)
                """,  # noqa: S608
                [metric, now, metric],
            )
        cursor.execute("ANALYZE servicedesk_ticketclock")


def reference_policies() -> None:
    """``generate.py --reset`` flushes what the data migrations seeded: put back the standard
    calendars, the announced holidays and the two standard policies with their escalations."""
    from hitsm.sla.models import (
        BusinessCalendar,
        EscalationRule,
        PublicHoliday,
        SlaPolicy,
        SlaTarget,
    )
    from hitsm.sla.reference import calendars_load, holidays_load, policies_load

    if SlaPolicy.objects.exists():
        return
    with acting_as(label="bench:sla"):
        calendars_load(BusinessCalendar)
        holidays_load(PublicHoliday, 2020, timezone.localdate().year + 1)
        policies_load(BusinessCalendar, SlaPolicy, SlaTarget, EscalationRule)
    log("standard calendars and policies loaded")


def open_clocks() -> int:
    """Real clocks for every open ticket, with the thresholds they passed long ago recorded
    silently (what ``manage.py sla_backfill`` does at go-live)."""
    ids = list(Ticket.objects.filter(status__in=OPEN).values_list("id", flat=True))
    with acting_as(label="bench:sla"):
        recorded = clocks_backfill(ids)
    log(f"{len(ids)} open tickets with clocks, {recorded} past thresholds recorded")
    return len(ids)


def time_pass(share: float) -> dict[str, Any]:
    """Make ``share`` of the running clocks due, then time one scanner pass."""
    # the clocks a configuration change asks the scanner to recompute (``clocks_recheck_all``)
    running = TicketClock.objects.filter(ticket__status__in=OPEN, stopped_at__isnull=True)
    total = running.count()
    wanted = int(total * share)
    ids = list(running.order_by("id").values_list("id", flat=True)[:wanted])
    future = timezone.now() + timezone.timedelta(days=3650)
    # park every clock in the far future, then bring the chosen ones due now
    running.update(next_check_at=future)
    past = timezone.now() - timezone.timedelta(seconds=1)
    for offset in range(0, len(ids), 5000):
        TicketClock.objects.filter(pk__in=ids[offset : offset + 5000]).update(next_check_at=past)
    started = time.perf_counter()
    with acting_as(label="bench:sla"):
        fired = sla_scan()
    seconds = time.perf_counter() - started
    return {
        "running_clocks": total,
        "due": wanted,
        "seconds": round(seconds, 3),
        "notices_fired": fired,
        "ms_per_due_clock": round(1000 * seconds / wanted, 2) if wanted else None,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--label", required=True)
    parser.add_argument("--output", default=str(RESULTS))
    parser.add_argument("--skip-scanner", action="store_true")
    parser.add_argument("--skip-setup", action="store_true", help="clocks are already there")
    args = parser.parse_args()
    results: dict[str, Any] = {
        "label": args.label,
        "database": connection.vendor,
        "tickets": Ticket.objects.count(),
        "open_tickets": Ticket.objects.filter(status__in=OPEN).count(),
        "load_average": list(os.getloadavg()),
    }
    if not args.skip_setup:
        started = time.perf_counter()
        reference_policies()
        if connection.vendor == "postgresql":
            closed_clocks_sql()
        results["open_clocks_computed"] = open_clocks()
        results["clock_setup_seconds"] = round(time.perf_counter() - started, 1)
    results["clocks"] = TicketClock.objects.count()
    if not args.skip_scanner:
        results["scanner"] = []
        for share in (0.0, 0.01, 0.10, 1.0):
            results["scanner"].append(time_pass(share))
            log(f"scanner pass: {results['scanner'][-1]}")
    busiest = (
        Ticket.objects.annotate(month=TruncMonth("created_at"))
        .values("month")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )
    month = timezone.localtime(busiest["month"]) if busiest else timezone.localtime()
    filters = KpiFilters(*month_range(month.year, month.month))
    results["kpi_month"] = f"{month.year:04d}-{month.month:02d}"
    results["kpi_month_tickets"] = busiest["n"] if busiest else 0
    started = time.perf_counter()
    tiles = {}
    for kpi in KPIS:
        tile_started = time.perf_counter()
        kpi_compute(kpi, filters)
        tiles[kpi.code] = round((time.perf_counter() - tile_started) * 1000, 1)
    results["kpi_set_seconds"] = round(time.perf_counter() - started, 2)
    results["kpi_tile_ms"] = tiles
    results["kpi_tile_ms_max"] = max(tiles.values())
    results["kpi_tile_ms_median"] = statistics.median(tiles.values())
    results["load_average_after"] = list(os.getloadavg())
    Path(args.output).mkdir(parents=True, exist_ok=True)
    (Path(args.output) / f"{args.label}.json").write_text(
        json.dumps(results, ensure_ascii=False, indent=2)
    )
    print(json.dumps(results, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
