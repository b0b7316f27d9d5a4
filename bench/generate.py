"""Load a HOSP profile into the configured database (see workload.py).

    cd bench && HITSM_DATA_DIR=/tmp/hitsm-bench DATABASE_URL=postgres://postgres@127.0.0.1/hitsm_bench \\
        uv run --project ../backend python generate.py --profile HOSP-1M --reset
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import subprocess
import sys
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

BACKEND = Path(__file__).resolve().parent.parent / "backend"
sys.path.insert(0, str(BACKEND))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("HITSM_DEBUG", "true")

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import Group  # noqa: E402
from django.db import connection, models, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from hitsm.accounts.models import Department, User  # noqa: E402
from hitsm.cmdb.models import CIClass, ConfigurationItem, ObashiLayer  # noqa: E402
from hitsm.core.models import NumberSequence  # noqa: E402
from hitsm.servicedesk.models import AssignmentGroup, Ticket, TicketEvent  # noqa: E402
from hitsm.servicedesk.search import tokens  # noqa: E402
from workload import PLACES, PROBLEMS, Profile, person_name, profile  # noqa: E402

OPEN_MIX = [("new", 0.10), ("accepted", 0.10), ("assigned", 0.30), ("in_progress", 0.35),
            ("pending", 0.15)]
CHANNELS = ["wecom"] * 5 + ["web"] * 2 + ["h5", "phone", "desktop", "miniprogram", "monitoring"]


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def bulk_load(model: type[models.Model], rows: Iterable[dict[str, Any]], *, batch: int = 5000) -> int:
    """COPY (PostgreSQL) or executemany (SQLite) of dict rows keyed by attname; no signals."""
    fields = list(model._meta.concrete_fields)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    table = connection.ops.quote_name(model._meta.db_table)
    count = 0

    # A column the generator does not fill takes the field's default (fields added later).
    defaults = {f.attname: f.get_default() for f in fields if f.has_default()}

    def adapt(row: dict[str, Any]) -> list[Any]:
        return [
            f.get_db_prep_save(row.get(f.attname, defaults.get(f.attname)), connection)
            for f in fields
        ]

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(adapt(row))
                    count += 1
        else:
            placeholders = ", ".join(["%s"] * len(fields))
            sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"
            chunk: list[list[Any]] = []
            for row in rows:
                chunk.append(adapt(row))
                if len(chunk) >= batch:
                    cursor.executemany(sql, chunk)
                    count += len(chunk)
                    chunk = []
            if chunk:
                cursor.executemany(sql, chunk)
                count += len(chunk)
    return count


def bulk_pairs(table: str, columns: tuple[str, str], pairs: Iterable[tuple[int, int]]) -> int:
    rows = ({"a": a, "b": b} for a, b in pairs)
    with connection.cursor() as cursor:
        cols = ", ".join(columns)
        if connection.vendor == "postgresql":
            n = 0
            with cursor.cursor.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row([row["a"], row["b"]])
                    n += 1
            return n
        data = [[r["a"], r["b"]] for r in rows]
        cursor.executemany(f"INSERT INTO {table} ({cols}) VALUES (%s, %s)", data)
        return len(data)


def reset_sequences() -> None:
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model in (Department, User, ConfigurationItem, Ticket, TicketEvent, AssignmentGroup):
            table = model._meta.db_table
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                           f"(SELECT COALESCE(MAX(id), 1) FROM {table}))")
        cursor.execute("ANALYZE")


def generate(p: Profile, seed: int = 20261125) -> dict[str, Any]:
    rng = random.Random(seed)
    now = timezone.now().replace(microsecond=0)
    started = time.monotonic()
    from hitsm.accounts.services import ensure_role_groups

    ensure_role_groups()  # flush removed what data migrations had created
    with transaction.atomic():
        # Organisation ------------------------------------------------------------------------
        hospital = Department.objects.create(name="第七人民医院", code="B-H", kind="hospital")
        campuses = [Department.objects.create(name=n, code=f"B-C{i}", kind="campus",
                                              parent=hospital)
                    for i, n in enumerate(["总院区", "东院区", "西院区"])]
        base_id = (Department.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
        dept_rows = [{"id": base_id + i, "name": f"科室{i:03d}", "code": f"B-D{i:03d}",
                      "kind": "department", "parent_id": campuses[i % 3].pk, "sort_order": i,
                      "is_active": True, "created_at": now, "updated_at": now, "location": "",
                      "phone": ""}
                     for i in range(p.departments)]
        bulk_load(Department, dept_rows)
        departments = [r["id"] for r in dept_rows]
        log(f"{len(departments)} departments")
        first_user = (User.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
        user_rows = []
        for i in range(p.users):
            is_agent = i < p.agents
            user_rows.append({
                "id": first_user + i, "username": f"{'agent' if is_agent else 'staff'}{i:05d}",
                "password": "!unusable", "is_superuser": False, "is_staff": False,
                "is_active": True, "first_name": "", "last_name": "", "email": "",
                "date_joined": now, "display_name": person_name(rng),
                "employee_no": f"B{i:06d}", "department_id": rng.choice(departments),
                "title": "工程师" if is_agent else "护士", "phone_ext": str(6000 + i % 3000),
                "mobile": "", "wecom_userid": f"bench{i:05d}", "source": "import",
                "password_changed_at": now, "must_change_password": False})
        bulk_load(User, user_rows)
        user_ids = [r["id"] for r in user_rows]
        names = {r["id"]: r["display_name"] for r in user_rows}
        agents, requesters = user_ids[:p.agents], user_ids[p.agents:]
        groups = {g.name: g.pk for g in Group.objects.filter(name__in=["requester", "agent",
                                                                          "engineer"])}
        bulk_pairs("accounts_user_groups", ("user_id", "group_id"),
                   [(u, groups["requester"]) for u in requesters]
                   + [(u, groups["agent"] if n % 3 == 0 else groups["engineer"])
                      for n, u in enumerate(agents)])
        assignment_groups = [AssignmentGroup.objects.create(name=f"支持组{g}", code=f"bench-{g}")
                             for g in range(p.groups)]
        members: dict[int, list[int]] = {g.pk: [] for g in assignment_groups}
        for n, agent in enumerate(agents):
            members[assignment_groups[n % p.groups].pk].append(agent)
        bulk_pairs("servicedesk_assignmentgroup_members", ("assignmentgroup_id", "user_id"),
                   [(g, u) for g, us in members.items() for u in us])
        log(f"{len(user_ids)} users, {p.agents} agents in {p.groups} groups")
        ci_class, _ = CIClass.objects.get_or_create(
            code="bench-app", defaults={"name": "应用系统", "layer": ObashiLayer.APPLICATION})
        first_ci = (ConfigurationItem.objects.order_by("-id").values_list("id", flat=True)
                    .first() or 0) + 1
        ci_rows = [{"id": first_ci + i, "ci_class_id": ci_class.pk, "name": f"配置项{i:05d}",
                    "code": f"B-CI{i:05d}", "description": "", "status": "in_use",
                    "clinical_critical": i % 4 == 0, "operable_from_incident": False,
                    "location": "", "created_at": now, "updated_at": now}
                   for i in range(p.cis)]
        bulk_load(ConfigurationItem, ci_rows)
        log(f"{p.cis} configuration items")

        # Tickets and timelines ---------------------------------------------------------------
        combos = [(kind, f"{place}{title}", description)
                  for place in PLACES for kind, title, description in PROBLEMS]
        combo_tokens = [" ".join(tokens(f"{t} {d}")) for _k, t, d in combos]
        name_tokens: dict[str, str] = {}
        span = dt.timedelta(days=365 * p.years)
        start = now - span
        first_ticket = (Ticket.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
        first_event = (TicketEvent.objects.order_by("-id").values_list("id", flat=True)
                       .first() or 0) + 1
        day_counters: dict[tuple[str, dt.date], int] = {}
        ci_links: list[tuple[int, int]] = []
        event_rows: list[dict[str, Any]] = []
        event_id = first_event

        def ticket_rows() -> Iterator[dict[str, Any]]:
            nonlocal event_id
            for n in range(p.tickets):
                created = start + span * (n / p.tickets) + dt.timedelta(
                    seconds=rng.randint(0, 50))
                combo = rng.randrange(len(combos))
                kind, title, description = combos[combo]
                prefix = "INC" if kind == "incident" else "SR"
                day = timezone.localtime(created).date()
                seq = day_counters.get((prefix, day), 0) + 1
                day_counters[(prefix, day)] = seq
                number = f"{prefix}-{day:%Y%m%d}-{seq:04d}"
                requester = rng.choice(requesters)
                name = names[requester]
                if name not in name_tokens:
                    name_tokens[name] = " ".join(tokens(name))
                is_open = n >= p.tickets - p.open_tickets
                if is_open:
                    roll, status = rng.random(), "new"
                    for candidate, weight in OPEN_MIX:
                        if roll < weight:
                            status = candidate
                            break
                        roll -= weight
                else:
                    status = "closed"
                priority = rng.choices([1, 2, 3, 4, 5], weights=[2, 8, 30, 50, 10])[0]
                hours = {1: 4, 2: 8, 3: 24, 4: 72, 5: 168}[priority]
                group = assignment_groups[combo % p.groups].pk
                worker = rng.choice(members[group]) if members[group] else None
                accepted = created + dt.timedelta(minutes=rng.randint(1, 40))
                assigned = accepted + dt.timedelta(minutes=rng.randint(1, 30))
                resolved = assigned + dt.timedelta(minutes=rng.randint(10, hours * 60))
                has_worker = status in ("assigned", "in_progress", "pending", "closed")
                ticket_id = first_ticket + n
                row = {
                    "id": ticket_id, "created_at": created,
                    "updated_at": resolved if status == "closed" else created,
                    "kind": kind, "number": number, "title": title, "description": description,
                    "status": status, "channel": rng.choice(CHANNELS), "requester_id": requester,
                    "submitted_by_id": requester, "department_id": rng.choice(departments),
                    "contact_phone": "", "location_campus": "", "location_building": "",
                    "location_floor": "", "location_room": "", "location_bed": "",
                    "category_id": None, "impact": 3, "urgency": 2, "priority": priority,
                    "assignment_group_id": group if status != "new" else None,
                    "assignee_id": worker if has_worker else None, "parent_id": None,
                    "merged_into_id": None, "form_data": {}, "pending_reason":
                    "requester" if status == "pending" else "", "resolution_code":
                    "fixed" if status == "closed" else "", "resolution_notes":
                    "已处理" if status == "closed" else "", "escalation_level": 0,
                    "accepted_at": accepted if status != "new" else None,
                    "accepted_by_id": agents[0] if status != "new" else None,
                    "assigned_at": assigned if has_worker else None,
                    "resolved_at": resolved if status == "closed" else None,
                    "closed_at": resolved + dt.timedelta(hours=2) if status == "closed" else None,
                    "response_due_at": created + dt.timedelta(minutes=30),
                    "resolution_due_at": created + dt.timedelta(hours=hours),
                    "reopen_count": 0, "version": 1,
                    "search_tokens": f"{combo_tokens[combo]} {number.lower()} "
                                     f"{name_tokens[name]}"}
                if rng.random() < 0.3:
                    ci_links.append((ticket_id, first_ci + rng.randrange(p.cis)))
                steps = [("created", created, requester, True, description)]
                if status != "new":
                    steps.append(("accepted", accepted, agents[0], True, ""))
                if has_worker:
                    steps.append(("assigned", assigned, agents[0], True, ""))
                if status == "closed":
                    steps.append(("resolved", resolved, worker, True, "已处理"))
                for kind_, when, actor, public, body in steps[:p.events_per_ticket]:
                    event_rows.append({"id": event_id, "ticket_id": ticket_id, "kind": kind_,
                                       "created_at": when, "actor_id": actor,
                                       "actor_label": names.get(actor, "") if actor else "",
                                       "public": public, "body": body, "data": {}})
                    event_id += 1
                yield row

        loaded = bulk_load(Ticket, ticket_rows())
        log(f"{loaded} tickets")
        events = bulk_load(TicketEvent, event_rows)
        log(f"{events} timeline events")
        links = bulk_pairs("servicedesk_ticket_configuration_items",
                           ("ticket_id", "configurationitem_id"), ci_links)
        log(f"{links} ticket ↔ CI links")
        NumberSequence.objects.bulk_create(
            [NumberSequence(key=f"{prefix}-{day:%Y%m%d}", last_value=value)
             for (prefix, day), value in day_counters.items()], ignore_conflicts=True)
    reset_sequences()
    return {"profile": p.name, "tickets": loaded, "events": events, "ci_links": links,
            "seconds": round(time.monotonic() - started, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--profile", default="HOSP-100K", choices=["HOSP-1M", "HOSP-100K", "HOSP-10K", "HOSP-SMOKE", "SLA-10K"])
    parser.add_argument("--reset", action="store_true",
                        help="flush the database first (migrate + flush)")
    args = parser.parse_args()
    if args.reset:
        subprocess.run([sys.executable, str(BACKEND / "manage.py"), "migrate", "-v", "0"],
                       check=True)
        subprocess.run([sys.executable, str(BACKEND / "manage.py"), "flush", "--no-input"],
                       check=True)
    result = generate(profile(args.profile))
    log(f"done: {result}")


if __name__ == "__main__":
    main()
