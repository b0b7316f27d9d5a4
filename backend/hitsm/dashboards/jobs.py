"""The KPI set as a cached background computation (the board reads the cache)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from typing import Any

from django.core.cache import cache
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy

from hitsm.core.jobs import JobReporter, job_handler
from hitsm.core.models import Job
from hitsm.dashboards.kpis import KPIS, KpiFilters, kpi_compute, month_range

CURRENT_TTL = 300  # the running month changes with every ticket
PAST_TTL = 24 * 3600


def _key(filters: KpiFilters) -> str:
    """Per filters and language: names, definitions and formulas come translated."""
    raw = f"{filters.key()}|{translation.get_language()}"
    return "kpi:set:" + hashlib.sha256(raw.encode()).hexdigest()[:32]


def kpi_set_cached(filters: KpiFilters, *, refresh: bool = False) -> dict[str, Any]:
    """The whole KPI set for the filters: from the cache when fresh, else computed and kept."""
    key = _key(filters)
    if not refresh:
        hit = cache.get(key)
        if hit is not None:
            return {**hit, "cached": True}
    started = timezone.now()
    result = {
        "kpis": [kpi_compute(kpi, filters) for kpi in KPIS],
        "computed_at": started.isoformat(),
        "seconds": round((timezone.now() - started).total_seconds(), 3),
    }
    cache.set(key, result, CURRENT_TTL if filters.end > timezone.now() else PAST_TTL)
    return {**result, "cached": False}


def filters_to_params(filters: KpiFilters) -> dict[str, Any]:
    data = dataclasses.asdict(filters)
    data["start"], data["end"] = filters.start.isoformat(), filters.end.isoformat()
    return data


def filters_from_params(params: dict[str, Any]) -> KpiFilters:
    data = dict(params)
    data["start"] = dt.datetime.fromisoformat(data["start"])
    data["end"] = dt.datetime.fromisoformat(data["end"])
    return KpiFilters(**data)


@job_handler("dashboards.kpi_set", label=gettext_lazy("计算 KPI 指标"))
def run_kpi_set(job: Job, reporter: JobReporter) -> dict[str, Any]:
    filters = filters_from_params(job.params["filters"])
    result = kpi_set_cached(filters, refresh=True)
    reporter.log(f"{len(result['kpis'])} KPIs in {result['seconds']} s")
    return {"kpis": len(result["kpis"]), "seconds": result["seconds"]}


def warm_current_month() -> float:
    """Beat keeps the hospital-wide set of the running month warm for the board."""
    now = timezone.localtime()
    start, end = month_range(now.year, now.month)
    return float(kpi_set_cached(KpiFilters(start=start, end=end), refresh=True)["seconds"])
