"""The authorization matrix (issue 12): every API route × every person, generated from the URL
configuration. Nobody gets data they may not see, nobody changes what they may not change, and
a route nobody has thought about fails the build.

The expected access is the table in ``authz_table.py``; the people and objects are built once
per module (``authz_world.py``) inside a transaction that is rolled back at the end, and every
request here runs in a savepoint that is rolled back too.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import connection, transaction
from django.http.response import HttpResponseBase
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from rest_framework.test import APIClient

from hitsm.accounts.roles import Role
from hitsm.api.tests.authz_table import DESK, EXEMPT, RULES, SCOPE, TICKETS, VISIBLE, Rule, Who
from hitsm.api.tests.authz_world import ANONYMOUS, PEOPLE, PRINCIPALS, World, marker, world_build
from hitsm.notifications.models import Notification
from hitsm.servicedesk.models import Ticket, TicketEvent
from hitsm.workflow.models import HumanTask, TaskStatus

pytestmark = pytest.mark.django_db

API_PREFIX = "api/v1/"
UNSAFE = ("POST", "PUT", "PATCH", "DELETE")
MISSING_PK = 987_654_321


# --- the routes, from the URL configuration ---------------------------------------------------


@dataclass(frozen=True)
class Route:
    name: str
    path: str
    methods: tuple[str, ...]
    detail: bool  # has a {pk}


def _walk(patterns: list[Any], prefix: str = "") -> Iterator[tuple[str, URLPattern]]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern))
        else:
            yield prefix + str(pattern.pattern), pattern


def _methods(pattern: URLPattern) -> tuple[str, ...]:
    callback = pattern.callback
    view = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
    allowed = {m.upper() for m in getattr(view, "http_method_names", ())}
    actions = getattr(callback, "actions", None)  # a viewset route: {method: action}
    if actions is not None:
        methods = {m.upper() for m in actions}
    else:
        methods = {m.upper() for m in ("get", *map(str.lower, UNSAFE)) if hasattr(view, m)}
    return tuple(sorted(methods & allowed))


def api_routes() -> dict[str, Route]:
    """Every named route under /api/v1/ (DRF's format-suffix twins left out)."""
    routes: dict[str, Route] = {}
    for path, pattern in _walk(get_resolver().url_patterns):
        groups = pattern.pattern.regex.groupindex
        if not path.startswith(API_PREFIX) or "format" in groups:
            continue
        name = pattern.name or path
        routes.setdefault(name, Route(name, path, _methods(pattern), "pk" in groups))
    return routes


ROUTES = api_routes()
CASES = [
    (name, method)
    for name, route in sorted(ROUTES.items())
    if name in RULES
    for method in route.methods
]


def test_every_api_route_is_in_the_matrix_or_exempt_with_a_reason():
    missing = sorted(set(ROUTES) - set(RULES) - set(EXEMPT))
    assert not missing, (
        f"routes nobody has decided about (add them to authz_table.RULES): {missing}"
    )
    stale = sorted((set(RULES) | set(EXEMPT)) - set(ROUTES))
    assert not stale, f"rows for routes that no longer exist: {stale}"
    assert not set(RULES) & set(EXEMPT)
    for name, rule in RULES.items():
        route = ROUTES[name]
        if "GET" in route.methods:
            assert rule.read is not None, f"{name}: who may read it?"
        if set(route.methods) & set(UNSAFE):
            assert rule.write is not None, f"{name}: who may change it?"
        needs_object = route.detail or "{pk}" in rule.query
        assert bool(rule.on) == needs_object, f"{name}: objects to try it on"
        for key in (*rule.on, *rule.shows):
            assert key in VISIBLE, f"{name}: {key} is not in VISIBLE"


def test_every_role_has_a_person_in_the_matrix():
    assert {role for role, _department, _group in PEOPLE.values()} == set(Role.values)


# --- the world ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[World]:
    """Built once per module (and per xdist worker) in a transaction rolled back at the end."""
    media = tmp_path_factory.mktemp("authz-media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media), transaction.atomic():
        built = world_build()
        yield built
        transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def _media_root():
    """Replaces the suite's per-test media root: the world's files live in the module's."""


@pytest.fixture(scope="module")
def _clients() -> dict[str, APIClient]:
    """One client per person for the module: a client loads the middleware on first use."""
    return {person: APIClient() for person in PRINCIPALS}


@pytest.fixture
def clients(world, _clients) -> dict[str, APIClient]:
    """The clients, signed in as the people read afresh (no role caches from other tests)."""
    for name, user in world.fresh_users().items():
        _clients[name].force_authenticate(user)
    return _clients


def test_the_world_has_every_object_the_table_names(world):
    assert set(VISIBLE) <= set(world.pk)
    assert set(PRINCIPALS) == {ANONYMOUS, *world.users}


# --- one request, and what it did -----------------------------------------------------------

_WRITE = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?', re.IGNORECASE)


@dataclass
class Answer:
    status: int
    text: str
    writes: list[str]  # tables written to


def _text(response: HttpResponseBase) -> str:
    if getattr(response, "streaming", False):
        content = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    else:
        content = response.content
    if content[:4] == b"PK\x03\x04":  # an Excel workbook: its XML parts
        with zipfile.ZipFile(io.BytesIO(content)) as book:
            content = b"".join(book.read(n) for n in book.namelist() if n.endswith(".xml"))
    return content.decode("utf-8", "replace")


def request(client: APIClient, method: str, path: str, body: Any = None, multipart=False) -> Answer:
    """Send one request in a savepoint that is always rolled back, noting every write."""
    with CaptureQueriesContext(connection) as queries, transaction.atomic():
        if method == "GET":
            response = client.get(path)
        else:
            send = getattr(client, method.lower())
            response = send(path, body, format="multipart" if multipart else "json")
        text = _text(response)
        transaction.set_rollback(True)
    writes = [m[1] for q in queries.captured_queries if (m := _WRITE.match(q["sql"]))]
    return Answer(response.status_code, text, writes)


def _who(spec: Any, obj: str | None) -> Who:
    if spec is SCOPE:
        assert obj is not None
        return VISIBLE[obj]
    if isinstance(spec, Mapping):
        assert obj is not None
        return frozenset(spec[obj])
    return frozenset(spec or ())


def _path(name: str, rule: Rule, pk: int | None) -> str:
    """The route's URL for the object ``pk`` (with the rule's query string)."""
    route = ROUTES[name]
    kwargs = dict(rule.kwargs)
    if route.detail:
        kwargs["pk"] = str(pk)
    path = reverse(name, kwargs=kwargs or None)
    return path + rule.query.replace("{pk}", str(pk))


# --- the matrix ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "method"), CASES, ids=[f"{n} {m}" for n, m in CASES])
def test_the_matrix(name, method, world, clients):
    rule = RULES[name]
    allowed = {"GET": rule.read, "DELETE": rule.delete or rule.write}.get(method, rule.write)
    shows = rule.shows if isinstance(rule.shows, Mapping) else {k: VISIBLE[k] for k in rule.shows}
    missing: dict[str, int] = {}  # what each person gets for an object that does not exist
    problems: list[str] = []

    def send(person: str, obj: str | None, pk: int | None) -> Answer:
        body = rule.body(world.pk, obj) if rule.body else None
        return request(clients[person], method, _path(name, rule, pk), body, rule.multipart)

    for obj in rule.on or (None,):
        for person in PRINCIPALS:
            answer = send(person, obj, world.pk[obj] if obj else None)
            where = f"{method} {_path(name, rule, world.pk.get(obj or ''))} as {person}"
            where += f": {answer.status}"
            if person in _who(allowed, obj):
                if method == "GET" and answer.status != 200:
                    problems.append(f"{where}, expected 200")
                if method != "GET" and answer.status in (401, 403, 404):
                    problems.append(f"{where}, but the table says they may")
                if method == "GET" and obj is None and answer.status == 200:  # a list
                    for key, people in shows.items():
                        if person in people and marker(key) not in answer.text:
                            problems.append(f"{where}, {key} missing from what they may see")
            else:
                denied = (401, 403) if person == ANONYMOUS else (403, 404)
                if answer.status not in denied:
                    problems.append(f"{where}, expected one of {denied}: {answer.text[:300]}")
                if answer.writes:
                    problems.append(f"{where}, refused but wrote to {sorted(set(answer.writes))}")
                # Outside an object's scope: the same answer as for no object at all.
                if obj is not None and person not in VISIBLE[obj]:
                    if person not in missing:
                        missing[person] = send(person, obj, MISSING_PK).status
                    if answer.status != missing[person]:
                        problems.append(
                            f"{where}, but {missing[person]} for an object that does not exist:"
                            " the answer tells that this one exists"
                        )
            for key, people in shows.items():
                if person not in people and marker(key) in answer.text:
                    problems.append(f"{where}, LEAK: the answer contains {key}")
    assert not problems, "\n".join(problems)


# --- the cases the issue names ------------------------------------------------------------------


def test_a_requester_never_reads_another_departments_ticket(world, clients):
    pk = world.pk
    radiology = clients["tech_wu"]
    for path in (
        f"/api/v1/tickets/{pk['ticket_mz']}/",
        f"/api/v1/tickets/{pk['ticket_mz']}/events/",
        f"/api/v1/tickets/{pk['ticket_mz']}/sla/",
        f"/api/v1/workflow/instances/?subject_type=ticket&subject_id={pk['ticket_mz']}",
        f"/api/v1/attachments/{pk['photo_mz']}/download/",
        f"/api/v1/attachments/{pk['photo_mz']}/thumbnail/",
        f"/api/v1/attachments/{pk['voice_mz']}/playback/",
    ):
        answer = request(radiology, "GET", path)
        assert answer.status == 404, path
        assert marker("ticket_mz") not in answer.text
    for path in (
        "/api/v1/tickets/",
        "/api/v1/tickets/export/",
        f"/api/v1/tickets/{pk['ticket_fs']}/",
    ):
        answer = request(radiology, "GET", path)
        assert answer.status == 200, path
        assert marker("ticket_mz") not in answer.text, path  # not even as a linked ticket
    # Her own department's tickets are hers to see, even when she did not report them.
    colleague = request(clients["doctor_ma"], "GET", f"/api/v1/tickets/{pk['ticket_mz']}/")
    assert colleague.status == 200
    assert marker("ticket_mz") in colleague.text
    assert marker("ticket_fs") not in colleague.text


def test_linked_tickets_are_shown_only_to_those_who_may_see_them(world, clients):
    """ticket_mz (门诊部) is related to ticket_fs (放射科) and filed under it as its child."""
    mz, fs = world.pk["ticket_mz"], world.pk["ticket_fs"]

    def links(person: str, pk: int) -> tuple[list[int], list[int], int | None]:
        body = json.loads(request(clients[person], "GET", f"/api/v1/tickets/{pk}/").text)
        parent = body["parent_ticket"]
        return (
            [t["id"] for t in body["related"]],
            [t["id"] for t in body["children"]],
            parent["id"] if parent else None,
        )

    assert links("agent_chen", mz) == ([fs], [], fs)
    assert links("agent_chen", fs) == ([mz], [mz], None)
    for person in ("nurse_li", "doctor_ma", "engineer_wang"):
        assert links(person, mz) == ([], [], None), person
    for person in ("tech_wu", "engineer_zhang"):
        assert links(person, fs) == ([], [], None), person


def test_agents_act_on_every_ticket_engineers_only_on_their_groups(world, clients):
    """docs/servicedesk.md: desk roles see and work every ticket; engineers see their groups'
    tickets and dispatch within their own group."""
    pk = world.pk
    ticket = f"/api/v1/tickets/{pk['ticket_mz']}"  # group A's
    events = TicketEvent.objects.filter(ticket_id=pk["ticket_mz"]).count()
    # agent_liu is in group B: as the desk, she still works it.
    agent = clients["agent_liu"]
    assert request(agent, "POST", f"{ticket}/reply/", {"body": "已联系"}).status == 201
    assert request(agent, "POST", f"{ticket}/assign/", {"group": pk["group_b"]}).status == 200
    # engineer_zhang (group B) may not even see it.
    zhang = world.users["engineer_zhang"].pk
    for action, body in (
        ("reply", {"body": "我来看看"}),
        ("assign", {"group": pk["group_b"], "assignee": zhang}),
        ("start", {}),
        ("resolve", {"code": "fixed", "notes": "好了"}),
    ):
        answer = request(clients["engineer_zhang"], "POST", f"{ticket}/{action}/", body)
        assert (answer.status, answer.writes) == (404, []), action
    # engineer_wang works it, but hands it to another group only by transfer.
    cross = request(clients["engineer_wang"], "POST", f"{ticket}/assign/", {"group": pk["group_b"]})
    assert (cross.status, cross.writes) == (403, [])
    assert Ticket.objects.get(pk=pk["ticket_mz"]).assignment_group_id == pk["group_a"]
    assert TicketEvent.objects.filter(ticket_id=pk["ticket_mz"]).count() == events


def test_an_informed_only_person_cannot_complete_the_task(world, clients):
    """RACI (docs/workflow.md): R completes; A signs off after R; I is only informed. The task is
    not in an I's inbox, so it is a 404 for them (its existence is not told); A, who sees it,
    gets a 403 until R is done."""
    task = HumanTask.objects.get(pk=world.pk["task"])
    assert {world.users["agent_liu"].pk, world.users["nurse_li"].pk} <= set(task.informed)
    path = f"/api/v1/workflow/tasks/{task.pk}/complete/"
    for person, status in (("agent_liu", 404), ("nurse_li", 404), ("manager_zhao", 403)):
        answer = request(clients[person], "POST", path, {"comment": "我来"})
        assert (answer.status, answer.writes) == (status, []), person
        task.refresh_from_db()
        assert (task.status, task.completed_by_id, task.comment) == (TaskStatus.OPEN, None, "")
    assert request(clients["engineer_wang"], "POST", path, {"comment": "已分诊"}).status == 200


def test_nobody_reads_or_marks_another_persons_notifications(world, clients):
    theirs = world.pk["notif_li"]
    radiology = clients["tech_wu"]
    listed = request(radiology, "GET", "/api/v1/notifications/")
    assert marker("notif_wu") in listed.text
    assert marker("notif_li") not in listed.text
    # There is no detail route: one person's notification is a 404 to everyone else.
    answer = request(radiology, "GET", f"/api/v1/notifications/{theirs}/")
    assert answer.status == 404
    assert marker("notif_li") not in answer.text
    with transaction.atomic():
        marked = radiology.post("/api/v1/notifications/mark-read/", {"ids": [theirs]})
        assert marked.status_code == 200
        assert Notification.objects.get(pk=theirs).read_at is None
        transaction.set_rollback(True)
    own = Notification.objects.filter(recipient=world.users["tech_wu"], read_at=None).count()
    unread = request(radiology, "GET", "/api/v1/notifications/unread-count/")
    assert json.loads(unread.text) == {"unread": own}


def test_requesters_cannot_write_internal_notes(world, clients):
    path = f"/api/v1/tickets/{world.pk['ticket_mz']}/reply/"
    note = {"body": "内部", "internal": True}
    answer = request(clients["nurse_li"], "POST", path, note)
    assert (answer.status, answer.writes) == (403, [])
    assert request(clients["engineer_wang"], "POST", path, note).status == 201


def test_bulk_acts_only_where_allowed(world, clients):
    """Bulk answers 200 with a result per ticket (by design); what the caller may not act on
    fails — as "not found" when they may not see it — and nothing of it is written."""
    mz, fs = world.pk["ticket_mz"], world.pk["ticket_fs"]
    done = {person: [mz, fs] for person in DESK} | {"engineer_wang": [mz], "engineer_zhang": [fs]}
    for person in PRINCIPALS:
        answer = request(
            clients[person], "POST", "/api/v1/tickets/bulk/", {"ids": [mz, fs], "action": "assign"}
        )
        if person == ANONYMOUS:
            assert answer.status == 401
            continue
        result = json.loads(answer.text)
        assert result["done"] == done.get(person, []), person
        for failure in result["failed"]:
            visible = person in VISIBLE["ticket_mz" if failure["id"] == mz else "ticket_fs"]
            assert visible or (failure["code"] == "not_found" and "number" not in failure), person
        if not result["done"]:
            assert answer.writes == [], person


def test_queue_counts_stay_in_scope(world, clients):
    for person in PRINCIPALS[1:]:
        counts = json.loads(request(clients[person], "GET", "/api/v1/tickets/queues/").text)
        assert counts["open"] == sum(person in VISIBLE[t] for t in TICKETS), person
