"""Demo: services with their own standard times (服务标准时间) — SLA policies that name the
demo catalog's items, tried before the general policies."""

from __future__ import annotations

from hitsm.catalog.choices import TicketKind
from hitsm.catalog.models import CatalogItem
from hitsm.sla.models import BusinessCalendar, SlaPolicy
from hitsm.sla.services import policy_save

INCIDENT, REQUEST = TicketKind.INCIDENT, TicketKind.REQUEST

ITEM_SLAS = [
    # code, name, description, order, calendar, kind, items, (response, resolution) per P1..P5
    (
        "item-wristband",
        "腕带打印机故障（7×24）",
        "急诊、入院处与病房离不开腕带：不分昼夜 10 分钟响应",
        1,
        "7x24",
        INCIDENT,
        ("wristband-printer",),
        [(10, 60), (10, 60), (10, 120), (10, 120), (10, 240)],
    ),
    (
        "item-lis-instrument",
        "检验仪器联机故障（7×24）",
        "清晨住院标本集中送检，仪器联机中断须立即处理",
        2,
        "7x24",
        INCIDENT,
        ("lis-instrument",),
        [(10, 60), (10, 60), (10, 120), (15, 240), (15, 240)],
    ),
    (
        "item-password-reset",
        "密码重置/解锁（工作时间）",
        "工作时间 15 分钟响应、30 分钟办结",
        3,
        "5x8",
        REQUEST,
        ("password-reset",),
        [(15, 30), (15, 30), (15, 30), (15, 60), (15, 60)],
    ),
    (
        "item-his-account",
        "HIS 账号开通（1 个工作日）",
        "响应 30 分钟，1 个工作日内开通",
        4,
        "5x8",
        REQUEST,
        ("his-account-open",),
        [(30, 480)] * 5,
    ),
    (
        "item-data-extract",
        "数据提取（3 个工作日）",
        "半个工作日内响应，3 个工作日内交付",
        5,
        "5x8",
        REQUEST,
        ("data-extract",),
        [(240, 1440)] * 5,
    ),
]


def load_demo() -> dict[str, int]:
    """Create or refresh the per-item policies; the catalog's demo has made the items."""
    items = {i.code: i for i in CatalogItem.objects.all()}
    calendars = {c.code: c for c in BusinessCalendar.objects.all()}
    for code, name, description, order, calendar, kind, item_codes, targets in ITEM_SLAS:
        policy = SlaPolicy.objects.filter(code=code).first() or SlaPolicy(code=code)
        policy.name = name
        policy.description = description
        policy.order = order
        policy.calendar = calendars[calendar]
        policy.kind = kind
        policy.priorities = []
        policy.pause_statuses = ["pending"]
        policy.warn_percents = [50, 75, 90]
        policy.is_active = True
        policy_save(
            policy=policy,
            targets=[
                {"priority": priority, "response_minutes": response, "resolution_minutes": done}
                for priority, (response, done) in enumerate(targets, start=1)
            ],
            catalog_items=[items[c] for c in item_codes if c in items],
        )
    return {"item_policies": len(ITEM_SLAS)}
