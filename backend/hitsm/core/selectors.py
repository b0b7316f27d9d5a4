from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone

from hitsm.accounts.roles import Role, has_role
from hitsm.core.models import Heartbeat, Job
from hitsm.core.permissions import Policy

HEARTBEAT_STALE_AFTER = timedelta(seconds=90)


class JobPolicy(Policy):
    """People see the jobs they started; admins see all."""

    def scope(self, user: Any, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if has_role(user, Role.ADMIN):
            return queryset
        return queryset.filter(created_by=user)

    def can_list(self, user: Any) -> bool:
        return bool(user.is_authenticated)

    def can(self, user: Any, action: str, obj: Any) -> bool:
        return action == "retrieve"


def job_list() -> QuerySet[Job]:
    return Job.objects.select_related("created_by")


def system_health() -> dict[str, Any]:
    report: dict[str, Any] = {"version": settings.HITSM_VERSION}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        report["database"] = {"ok": True, "detail": connection.vendor}
    except Exception as exc:
        report["database"] = {"ok": False, "detail": type(exc).__name__}
    try:
        cache.set("hitsm:health", "1", 10)
        report["cache"] = {
            "ok": cache.get("hitsm:health") == "1",
            "detail": str(settings.CACHES["default"]["BACKEND"]).rsplit(".", 1)[-1],
        }
    except Exception as exc:
        report["cache"] = {"ok": False, "detail": type(exc).__name__}
    beats = {h.name: h for h in Heartbeat.objects.filter(name__in=["worker", "beat"])}
    now = timezone.now()
    for name in ("worker", "beat"):
        beat = beats.get(name)
        report[name] = {
            "ok": beat is not None and now - beat.last_beat_at < HEARTBEAT_STALE_AFTER,
            "last_heartbeat": beat.last_beat_at if beat else None,
            "detail": beat.hostname if beat else "",
        }
    healthy = all(report[k]["ok"] for k in ("database", "cache", "worker", "beat"))
    report["status"] = "ok" if healthy else "degraded"
    return report
