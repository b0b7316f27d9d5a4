"""Seed a reliability stack's database through HITSM's own services (run as a subprocess with
the stack's environment). Prints one JSON line: ids and API token keys.

    python tests/reliability/seed.py people
    python tests/reliability/seed.py overdue --tickets 40 --minutes 180
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from django.db import transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from hitsm.accounts.models import AssignmentGroup, User  # noqa: E402
from hitsm.accounts.roles import Role  # noqa: E402
from hitsm.accounts.services import api_token_create, user_set_roles  # noqa: E402
from hitsm.servicedesk.models import Ticket, TicketClock, TicketEvent  # noqa: E402
from hitsm.servicedesk.services import ticket_create  # noqa: E402
from hitsm.sla.models import (  # noqa: E402
    BusinessCalendar,
    EscalationRule,
    PublicHoliday,
    SlaPolicy,
    SlaTarget,
)
from hitsm.sla.reference import calendars_load, holidays_load, policies_load  # noqa: E402

PEOPLE = [
    # username, display name, role, e-mail
    ("nurse_li", "李护士", Role.REQUESTER),
    ("agent_chen", "陈坐席", Role.AGENT),
    ("engineer_wang", "王工", Role.ENGINEER),
    ("engineer_zhang", "张工", Role.ENGINEER),
    ("lead_liu", "刘组长", Role.ENGINEER),
    ("lead_zhou", "周组长", Role.ENGINEER),
    ("manager_zhao", "赵主任", Role.MANAGER),
    ("admin_ma", "马处长", Role.ADMIN),
]


def _user(username: str, name: str, role: str) -> User:
    user, created = User.objects.get_or_create(
        username=username,
        defaults={
            "display_name": name,
            "email": f"{username}@hospital.example",
            "password_changed_at": timezone.now(),
        },
    )
    if created:
        user_set_roles(user=user, roles=[role])
    return user


@transaction.atomic
def people() -> dict[str, object]:
    if not SlaPolicy.objects.exists():
        calendars_load(BusinessCalendar)
        policies_load(BusinessCalendar, SlaPolicy, SlaTarget, EscalationRule)
    holidays_load(PublicHoliday, 2025, 2028)
    users = {u: _user(u, n, r) for u, n, r in PEOPLE}
    tier2, _ = AssignmentGroup.objects.get_or_create(
        code="tier2", defaults={"name": "二线组", "manager": users["lead_zhou"]}
    )
    tier2.members.add(users["engineer_zhang"])
    desk, _ = AssignmentGroup.objects.get_or_create(
        code="desk",
        defaults={"name": "桌面运维组", "manager": users["lead_liu"], "escalation_group": tier2},
    )
    desk.members.add(users["engineer_wang"])
    tokens = {
        name: api_token_create(user=users[name], name="reliability")[1]
        for name in ("nurse_li", "agent_chen", "admin_ma")
    }
    return {"tokens": tokens, "group": desk.pk, "users": {k: v.pk for k, v in users.items()}}


def overdue(count: int, minutes: int, spread: float) -> dict[str, object]:
    """P1 incidents routed to 桌面运维组 and opened ``minutes`` ago (backdated timeline), so the
    next scan finds every warning, breach and escalation level of both clocks due at once. With
    ``spread``, the tickets come due one after another over that many seconds from now."""
    nurse = User.objects.get(username="nurse_li")
    agent = User.objects.get(username="agent_chen")
    desk = AssignmentGroup.objects.get(code="desk")
    ids = []
    for n in range(count):
        ticket = ticket_create(
            requester=nurse,
            submitted_by=agent,
            kind="incident",
            impact=1,
            urgency=1,
            title=f"急诊HIS无法登录 #{n}",
        )
        ids.append(ticket.pk)
    opened = timezone.now() - timedelta(minutes=minutes)
    with transaction.atomic():
        Ticket.objects.filter(pk__in=ids).update(created_at=opened, assignment_group=desk)
        TicketEvent.objects.filter(ticket_id__in=ids).update(created_at=opened)
        TicketClock.objects.filter(ticket_id__in=ids).update(opened_at=opened)
        now = timezone.now()
        for n, pk in enumerate(ids):
            TicketClock.objects.filter(ticket_id=pk).update(
                next_check_at=now + timedelta(seconds=spread * n / max(count, 1))
            )
    return {"tickets": ids}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("what", choices=["people", "overdue"])
    parser.add_argument("--tickets", type=int, default=20)
    parser.add_argument("--minutes", type=int, default=180)
    parser.add_argument("--spread", type=float, default=0.0)
    args = parser.parse_args()
    result = people() if args.what == "people" else overdue(args.tickets, args.minutes, args.spread)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
