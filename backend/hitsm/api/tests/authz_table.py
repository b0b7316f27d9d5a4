"""Who may do what through the API: one row per URL name (``reverse()`` names under /api/v1/).

How to read a row
- ``read``: who gets the GET of the route (list, detail or GET action): 200. Everyone else gets
  401 (anonymous), 403 or 404 — and never an object's data.
- ``write``: who may call its unsafe methods (POST, PUT, PATCH, DELETE); ``delete`` when DELETE
  is narrower. They get past the permission checks (any answer but 401/403/404: the body may
  still be refused, or the state not allow it); everyone else gets 401/403/404 and nothing is
  written to the database.
- ``SCOPE`` means "whoever may see the object" (the ``VISIBLE`` table below). A person outside
  an object's scope gets exactly what they get for an object that does not exist (404 as a rule):
  its existence does not leak.
- ``on``: detail routes are tried on these world objects (``{pk}``); ``shows``: the objects
  whose markers may appear in the answers — only to the people who may see them (and a list
  must show them to those people).

Sources: docs/servicedesk.md (who sees what), docs/catalog.md, docs/cmdb.md, docs/sla.md,
docs/workflow.md (RACI), docs/kpis.md, docs/admin/security.md (三员分立), and the policies in
each app's selectors. A value in a mapping (``{object: Who}``) is per object.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

Who = frozenset[str]
Body = Callable[[Mapping[str, int], str | None], Any]


def who(*names: str) -> Who:
    return frozenset(names)


class _Scope:
    def __repr__(self) -> str:
        return "SCOPE"


SCOPE: Any = _Scope()

# --- the people (hitsm.api.tests.authz_world.PEOPLE) ------------------------------------------
NOBODY = who()
ADMIN = who("admin_sys")
DESK = who("agent_chen", "agent_liu", "manager_zhao", "admin_sys")  # see every ticket
ENGINEERS = who("engineer_wang", "engineer_zhang")
IT = DESK | ENGINEERS | who("sysadmin_zhou")
REQUESTERS = who("nurse_li", "doctor_ma", "tech_wu")
AUDITORS = who("auditor_sun")  # 三员分立: the audit log is theirs alone, admins excluded
USER_READERS = IT | who("security_qian")  # the security officer looks accounts up
UNLOCKERS = who("security_qian", "admin_sys")
SIGNED_IN = IT | REQUESTERS | AUDITORS | who("security_qian")
MANAGERS = who("manager_zhao", "admin_sys")  # IT managers and admins
CATALOG_READERS = MANAGERS  # the catalog's forms: the IT manager reads, admins write
CMDB_WRITERS = ENGINEERS | who("sysadmin_zhou", "admin_sys")
CMDB_DELETERS = who("sysadmin_zhou", "admin_sys")

# --- who may see each object of the world (row-level scope) -----------------------------------
SEES_MZ = DESK | who("nurse_li", "doctor_ma", "engineer_wang")  # 门诊部 ticket, group A
SEES_FS = DESK | who("tech_wu", "engineer_zhang")  # 放射科 ticket, group B
VISIBLE: dict[str, Who] = {
    # tickets: desk all; engineers their groups'; requesters their own and their department's
    "ticket_mz": SEES_MZ,
    "ticket_fs": SEES_FS,
    "reply_mz": SEES_MZ,
    "reply_fs": SEES_FS,
    "photo_mz": SEES_MZ,
    "photo_fs": SEES_FS,
    "voice_mz": SEES_MZ,
    "note_mz": SEES_MZ & IT,  # internal: never shown to requesters
    "memo_mz": SEES_MZ & IT,
    "process": SEES_MZ,  # the process instance of ticket_mz (the viewer)
    # workflow task 分诊: R engineer_wang, A manager_zhao, I agent_liu and the requester
    "task": who("engineer_wang", "manager_zhao"),
    # catalog: item_fs is for 放射科 only; IT staff see every item
    "item_all": SIGNED_IN,
    "item_fs": IT | who("tech_wu"),
    # personal rows
    "notif_li": who("nurse_li"),
    "notif_wu": who("tech_wu"),
    "job_li": who("nurse_li", "admin_sys"),
    "job_admin": ADMIN,
    "token_chen": who("agent_chen"),
    "filter_private": who("agent_chen"),
    "filter_shared": IT | who("agent_chen"),  # shared with the desk: IT staff read it
    "user_li": USER_READERS | who("nurse_li"),
    "user_wang": USER_READERS,
    # knowledge: staff read published articles for everyone; IT staff read all, drafts too
    "article_public": SIGNED_IN,
    "article_it": IT,
    "article_draft": IT,
    "question_li": IT | who("nurse_li"),  # the asker, and IT staff (the question log)
    "question_wu": IT | who("tech_wu"),
    "kb_category": SIGNED_IN,
    "kb_image_public": SIGNED_IN,  # a picture follows its article's audience and status
    "kb_image_it": IT,
    "kb_image_draft": IT,
    "kb_image_loose": IT,  # not in a saved article yet
    "synonym": IT,
    # the audit log
    "change": AUDITORS,
    "login": AUDITORS,
    # reference data
    "department": SIGNED_IN,
    "group_a": SIGNED_IN,
    "category": SIGNED_IN,
    "menu_category": SIGNED_IN,
    "rule": IT,
    "ci": IT,
    "ci_class": IT,
    "attribute": IT,
    "relation_type": IT,
    "relation": IT,
    "form": CATALOG_READERS,
    "nfr": IT,
    "pattern": IT,
    "definition": IT,
    "webhook": IT,
    "calendar": IT,
    "calendar_day": IT,
    "holiday": IT,
    "sla_policy": IT,
    "escalation": IT,
    # WeCom: message logs for administrators; an incident's chat for the IT staff who see it
    "wecom_in": ADMIN,
    "wecom_out": ADMIN,
    "chat_mz": SEES_MZ & IT,
    # satisfaction surveys: the requester, and IT staff who see the ticket (not the colleagues
    # who see it as their department's); follow-ups for the desk; configuration for IT staff
    "survey_mz": (SEES_MZ & IT) | who("nurse_li"),
    "survey_fs": (SEES_FS & IT) | who("tech_wu"),
    "follow_up": DESK,
    "survey_config": IT,
}
TICKETS = ("ticket_mz", "ticket_fs")
WORKERS = {"ticket_mz": DESK | who("engineer_wang"), "ticket_fs": DESK | who("engineer_zhang")}
REQUESTER_OR_WORKERS = {
    "ticket_mz": WORKERS["ticket_mz"] | who("nurse_li"),
    "ticket_fs": WORKERS["ticket_fs"] | who("tech_wu"),
}
GROUP_OF = {"ticket_mz": "group_a", "ticket_fs": "group_b"}
ARTICLES = ("article_public", "article_it", "article_draft")
QUESTIONS = ("question_li", "question_wu")
SURVEYS = ("survey_mz", "survey_fs")


@dataclass(frozen=True)
class Rule:
    read: Any = None  # Who | Mapping[object, Who] | SCOPE
    write: Any = None
    delete: Any = None
    on: tuple[str, ...] = ()
    shows: tuple[str, ...] | Mapping[str, Who] = ()
    query: str = ""  # "{pk}" is the object's id
    kwargs: Mapping[str, str] = field(default_factory=dict)
    body: Body | None = None
    multipart: bool = False


def _const(value: Any) -> Body:
    return lambda pk, obj: value


def _file(name: str, content: bytes) -> Body:
    return lambda pk, obj: {"file": SimpleUploadedFile(name, content)}


def _ticket(**extra: Any) -> Body:
    """A valid body for a ticket action; ``group`` is the ticket's own group."""

    def make(pk: Mapping[str, int], obj: str | None) -> dict[str, Any]:
        assert obj is not None
        values = dict(extra)
        if values.pop("own_group", False):
            values["group"] = pk[GROUP_OF[obj]]
        if values.pop("self_ref", False):  # link/merge with itself: refused after the check
            values["ticket"] = pk[obj]
        return values

    return make


TEXT = {"reason": "核对", "note": "核对"}
XLSX = b"PK\x03\x04"


def _png() -> bytes:
    """A small PNG (the upload check verifies pictures with Pillow)."""
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (30, 120, 200)).save(buffer, format="PNG")
    return buffer.getvalue()


PNG = _png()

RULES: dict[str, Rule] = {
    # --- accounts --------------------------------------------------------------------------
    "api-root": Rule(read=SIGNED_IN),
    "auth-me": Rule(read=SIGNED_IN),
    "auth-logout": Rule(write=SIGNED_IN),
    "auth-password": Rule(write=SIGNED_IN, body=_const({})),
    "auth-totp": Rule(read=SIGNED_IN, write=SIGNED_IN, body=_const({})),
    "auth-totp-confirm": Rule(write=SIGNED_IN, body=_const({})),
    "api-token-list": Rule(read=IT, write=IT, shows=("token_chen",), body=_const({"name": "ci"})),
    "api-token-detail": Rule(write=SCOPE, on=("token_chen",)),
    "department-list": Rule(read=SIGNED_IN, write=ADMIN, body=_const({})),
    "department-tree": Rule(read=SIGNED_IN),
    "department-detail": Rule(read=SCOPE, write=ADMIN, on=("department",), body=_const({})),
    "user-list": Rule(read=USER_READERS),
    "user-detail": Rule(read=SCOPE, write=ADMIN, on=("user_li", "user_wang"), body=_const({})),
    "user-unlock": Rule(write=UNLOCKERS, on=("user_li",)),
    "user-import": Rule(write=ADMIN, body=_file("users.xlsx", XLSX), multipart=True),
    "user-import-template": Rule(read=ADMIN),
    # --- the audit log (read-only) ------------------------------------------------------------
    "audit-change-list": Rule(read=AUDITORS),
    "audit-change-export": Rule(read=AUDITORS),
    "audit-change-detail": Rule(read=SCOPE, on=("change",)),
    "audit-login-list": Rule(read=AUDITORS),
    "audit-login-export": Rule(read=AUDITORS),
    "audit-login-detail": Rule(read=SCOPE, on=("login",)),
    "audit-seal-list": Rule(read=AUDITORS),
    "audit-seal-verify": Rule(read=AUDITORS),
    # --- core --------------------------------------------------------------------------------
    "job-list": Rule(read=SIGNED_IN, shows=("job_li", "job_admin")),
    "job-detail": Rule(read=SCOPE, on=("job_li", "job_admin")),
    # --- service desk: tickets ---------------------------------------------------------------
    "ticket-list": Rule(
        read=SIGNED_IN,
        write=SIGNED_IN,
        shows=TICKETS,
        body=_const({"kind": "incident", "title": "打印机"}),
    ),
    "ticket-export": Rule(read=SIGNED_IN, shows=TICKETS),
    "ticket-queues": Rule(read=SIGNED_IN),  # counts: test_queue_counts_stay_in_scope
    # bulk answers 200 with per-ticket failures by design: test_bulk_acts_only_where_allowed
    "ticket-bulk": Rule(
        write=SIGNED_IN, body=lambda pk, obj: {"ids": [pk["ticket_mz"]], "action": "accept"}
    ),
    "ticket-detail": Rule(
        read=SCOPE, write=WORKERS, on=TICKETS, shows=TICKETS, body=_const({"title": "打印机"})
    ),
    "ticket-events": Rule(
        read=SCOPE,
        on=TICKETS,
        shows=("reply_mz", "note_mz", "photo_mz", "memo_mz", "reply_fs", "photo_fs"),
    ),
    "ticket-sla": Rule(read=SCOPE, on=TICKETS),
    "ticket-accept": Rule(write=DESK, on=TICKETS),
    "ticket-assign": Rule(write=WORKERS, on=TICKETS, body=_ticket(own_group=True)),
    "ticket-start": Rule(write=WORKERS, on=TICKETS),
    "ticket-pend": Rule(write=WORKERS, on=TICKETS, body=_ticket(reason="other", note="等配件")),
    "ticket-resume": Rule(write=WORKERS, on=TICKETS, body=_const({})),
    "ticket-resolve": Rule(write=WORKERS, on=TICKETS, body=_ticket(code="fixed", notes="换硒鼓")),
    "ticket-close": Rule(write=WORKERS, on=TICKETS, body=_const({})),
    "ticket-confirm": Rule(write=REQUESTER_OR_WORKERS, on=TICKETS),
    "ticket-reopen": Rule(write=REQUESTER_OR_WORKERS, on=TICKETS, body=_const(TEXT)),
    "ticket-cancel": Rule(write=WORKERS, on=TICKETS, body=_const(TEXT)),  # assigned: not requesters
    "ticket-escalate": Rule(write=WORKERS, on=TICKETS, body=_ticket(kind="tier", reason="难")),
    "ticket-transfer": Rule(write=WORKERS, on=TICKETS, body=_ticket(own_group=True, reason="转")),
    "ticket-link": Rule(write=WORKERS, on=TICKETS, body=_ticket(self_ref=True)),
    "ticket-merge": Rule(write=WORKERS, on=TICKETS, body=_ticket(self_ref=True)),
    "ticket-set-parent": Rule(write=WORKERS, on=TICKETS, body=_const({"ticket": None})),
    "ticket-reply": Rule(write=SCOPE, on=TICKETS, body=_const({"body": "还是不行"})),
    "ticket-attach": Rule(
        write=SCOPE, on=TICKETS, body=_file("note.txt", b"printer log"), multipart=True
    ),
    "attachment-download": Rule(read=SCOPE, on=("photo_mz", "memo_mz", "voice_mz", "photo_fs")),
    "attachment-thumbnail": Rule(read=SCOPE, on=("photo_mz", "photo_fs")),
    "attachment-playback": Rule(read=SCOPE, on=("voice_mz",)),
    # --- service desk: reference data ---------------------------------------------------------
    "assignment-group-list": Rule(read=SIGNED_IN, write=ADMIN, body=_const({})),
    "assignment-group-detail": Rule(read=SCOPE, write=ADMIN, on=("group_a",), body=_const({})),
    "category-list": Rule(read=SIGNED_IN, write=ADMIN, body=_const({})),
    "category-detail": Rule(read=SCOPE, write=ADMIN, on=("category",), body=_const({})),
    # requesters pick CIs for their tickets here (docs/cmdb.md)
    "configuration-item-list": Rule(read=SIGNED_IN),
    "configuration-item-detail": Rule(read=SIGNED_IN, on=("ci",)),
    "routing-rule-list": Rule(read=IT, write=ADMIN, body=_const({})),
    "routing-rule-detail": Rule(read=SCOPE, write=ADMIN, on=("rule",), body=_const({})),
    "saved-filter-list": Rule(
        read=SIGNED_IN,
        write=SIGNED_IN,
        shows=("filter_private", "filter_shared"),
        body=_const({"name": "我的", "params": {}}),
    ),
    "saved-filter-detail": Rule(
        read=SCOPE,
        write=who("agent_chen"),  # the owner
        on=("filter_private", "filter_shared"),
        body=_const({"name": "改名", "params": {}}),
    ),
    # --- CMDB ------------------------------------------------------------------------------------
    "cmdb-class-list": Rule(read=IT, write=ADMIN, body=_const({})),
    "cmdb-class-detail": Rule(read=SCOPE, write=ADMIN, on=("ci_class",), body=_const({})),
    "cmdb-attribute-list": Rule(read=IT, write=ADMIN, body=_const({})),
    "cmdb-attribute-detail": Rule(read=SCOPE, write=ADMIN, on=("attribute",), body=_const({})),
    "cmdb-relation-type-list": Rule(read=IT, write=ADMIN, body=_const({})),
    "cmdb-relation-type-detail": Rule(
        read=SCOPE, write=ADMIN, on=("relation_type",), body=_const({})
    ),
    "cmdb-item-list": Rule(read=IT, write=CMDB_WRITERS, body=_const({})),
    "cmdb-item-export": Rule(read=IT),
    "cmdb-item-import-template": Rule(read=IT),
    "cmdb-item-detail": Rule(
        read=SCOPE, write=CMDB_WRITERS, delete=CMDB_DELETERS, on=("ci",), body=_const({})
    ),
    "cmdb-item-dependencies": Rule(read=SCOPE, on=("ci",)),
    "cmdb-item-diagram": Rule(read=SCOPE, on=("ci",)),
    "cmdb-item-history": Rule(read=SCOPE, on=("ci",)),
    "cmdb-item-impact": Rule(read=SCOPE, on=("ci",)),
    "cmdb-item-relations": Rule(read=SCOPE, on=("ci",)),
    "cmdb-relation-list": Rule(read=IT, write=CMDB_WRITERS, body=_const({})),
    "cmdb-relation-detail": Rule(read=SCOPE, write=CMDB_WRITERS, on=("relation",)),
    "cmdb-import": Rule(write=CMDB_WRITERS, body=_file("cis.xlsx", XLSX), multipart=True),
    # --- catalog -----------------------------------------------------------------------------
    "catalog-menu": Rule(
        read=SIGNED_IN,
        # one's own menu: item_fs is on 放射科's menus only, whoever may look it up
        shows={"item_all": SIGNED_IN, "item_fs": who("tech_wu")},
    ),
    "catalog-options": Rule(read=SIGNED_IN, query="?source=users"),  # pickers (docs/catalog.md)
    "catalog-stats": Rule(read=IT),
    "catalog-category-list": Rule(read=SIGNED_IN, write=ADMIN, body=_const({})),
    "catalog-category-detail": Rule(
        read=SCOPE, write=ADMIN, on=("menu_category",), body=_const({})
    ),
    "catalog-item-list": Rule(
        read=SIGNED_IN, write=ADMIN, shows=("item_all", "item_fs"), body=_const({})
    ),
    "catalog-item-detail": Rule(
        read=SCOPE, write=ADMIN, on=("item_all", "item_fs"), body=_const({})
    ),
    "catalog-item-form": Rule(read=SCOPE, on=("item_all", "item_fs")),
    "catalog-item-favourite": Rule(write=SCOPE, on=("item_all", "item_fs")),
    "catalog-item-expectations": Rule(read=SCOPE, on=("item_all", "item_fs")),
    "catalog-item-assistant": Rule(
        read=SCOPE, on=("item_all", "item_fs"), shows=("article_it", "article_draft")
    ),
    "catalog-form-list": Rule(read=CATALOG_READERS, write=ADMIN, body=_const({})),
    "catalog-form-detail": Rule(read=SCOPE, write=ADMIN, on=("form",), body=_const({})),
    "catalog-form-versions": Rule(read=SCOPE, on=("form",)),
    "catalog-form-check": Rule(write=ADMIN, on=("form",), body=_const({"data": {}})),
    "catalog-form-publish": Rule(write=ADMIN, on=("form",), body=_const({})),
    "catalog-nfr-list": Rule(read=IT, write=ADMIN, body=_const({})),
    "catalog-nfr-totals": Rule(read=IT),
    "catalog-nfr-detail": Rule(read=SCOPE, write=ADMIN, on=("nfr",), body=_const({})),
    "catalog-pattern-list": Rule(read=IT, write=ADMIN, body=_const({})),
    "catalog-pattern-detail": Rule(read=SCOPE, write=ADMIN, on=("pattern",), body=_const({})),
    # --- processes ---------------------------------------------------------------------------
    "workflow-actions": Rule(read=SIGNED_IN),
    "workflow-definition-list": Rule(read=IT, write=ADMIN, body=_const({})),
    "workflow-definition-detail": Rule(
        read=SCOPE, write=ADMIN, on=("definition",), body=_const({})
    ),
    "workflow-definition-versions": Rule(read=SCOPE, on=("definition",)),
    "workflow-definition-raci": Rule(read=SCOPE, on=("definition",)),
    "workflow-definition-diff": Rule(read=SCOPE, on=("definition",), query="?from=1&to=1"),
    "workflow-definition-validate": Rule(write=IT, on=("definition",)),
    "workflow-definition-simulate": Rule(write=IT, on=("definition",), body=_const({"data": {}})),
    "workflow-definition-publish": Rule(write=ADMIN, on=("definition",), body=_const({})),
    "workflow-task-list": Rule(read=SIGNED_IN, shows=("task",)),
    "workflow-task-detail": Rule(read=SCOPE, on=("task",)),
    # only R (and S) complete; A signs off after R; I are only informed (docs/workflow.md)
    "workflow-task-complete": Rule(write=who("engineer_wang"), on=("task",), body=_const({})),
    "workflow-instances": Rule(
        read=SCOPE, on=TICKETS, shows=("process",), query="?subject_type=ticket&subject_id={pk}"
    ),
    # IT staff see the process webhooks; IT managers and admins retry or skip them
    "workflow-webhook-list": Rule(read=IT),
    "workflow-webhook-detail": Rule(read=SCOPE, on=("webhook",)),
    "workflow-webhook-retry": Rule(write=MANAGERS, on=("webhook",)),
    "workflow-webhook-skip": Rule(write=MANAGERS, on=("webhook",), body=_const({})),
    # --- knowledge (reviewers: IT managers and admins) ------------------------------------------
    "knowledge-category-list": Rule(read=SIGNED_IN, write=MANAGERS, body=_const({})),
    "knowledge-category-detail": Rule(
        read=SCOPE, write=MANAGERS, on=("kb_category",), body=_const({})
    ),
    "knowledge-synonym-list": Rule(read=IT, write=MANAGERS, body=_const({})),
    "knowledge-synonym-detail": Rule(read=SCOPE, write=MANAGERS, on=("synonym",), body=_const({})),
    "knowledge-article-list": Rule(
        read=SIGNED_IN, write=IT, shows=ARTICLES, query="?q=打印机", body=_const({})
    ),
    "knowledge-article-detail": Rule(
        read=SCOPE, write=IT, delete=MANAGERS, on=ARTICLES, shows=ARTICLES, body=_const({})
    ),
    "knowledge-article-versions": Rule(read=IT, on=ARTICLES),
    "knowledge-article-submit": Rule(write=IT, on=ARTICLES),
    "knowledge-article-publish": Rule(write=MANAGERS, on=ARTICLES),
    "knowledge-article-retire": Rule(write=MANAGERS, on=ARTICLES),
    "knowledge-article-feedback": Rule(write=SCOPE, on=ARTICLES, body=_const({"helpful": True})),
    "knowledge-article-from-ticket": Rule(write=IT, body=_const({})),
    "knowledge-image-list": Rule(
        write=IT, body=_file("screen.png", PNG), multipart=True
    ),  # the upload
    "knowledge-image-download": Rule(
        read=SCOPE, on=("kb_image_public", "kb_image_it", "kb_image_draft", "kb_image_loose")
    ),
    "knowledge-answer": Rule(
        write=SIGNED_IN,
        shows={"article_it": IT, "article_draft": NOBODY},
        body=_const({"question": "打印机卡纸怎么办"}),
    ),
    "knowledge-stats": Rule(read=IT),
    # the 信息助手 on a ticket: IT staff, on the tickets they may see
    "knowledge-assistant": Rule(
        read={t: IT & VISIBLE[t] for t in TICKETS}, on=TICKETS, query="?ticket={pk}"
    ),
    "knowledge-question-list": Rule(read=IT),
    "knowledge-question-detail": Rule(read=IT, on=QUESTIONS),
    "knowledge-question-outcome": Rule(
        write={"question_li": who("nurse_li"), "question_wu": who("tech_wu")},  # the asker
        on=QUESTIONS,
        body=_const({"outcome": "solved"}),
    ),
    # --- SLA ---------------------------------------------------------------------------------
    "sla-priority-matrix": Rule(read=IT, write=ADMIN, body=_const({})),
    "sla-priority-matrix-reset": Rule(write=ADMIN),
    "sla-calendar-list": Rule(read=IT, write=MANAGERS, body=_const({})),
    "sla-calendar-detail": Rule(read=SCOPE, write=MANAGERS, on=("calendar",), body=_const({})),
    "sla-calendar-preview": Rule(
        write=IT,
        on=("calendar",),
        body=_const({"start": "2026-11-20T16:50:00+08:00", "minutes": 60}),
    ),
    "sla-calendar-day-list": Rule(read=IT, write=MANAGERS, body=_const({})),
    "sla-calendar-day-detail": Rule(
        read=SCOPE, write=MANAGERS, on=("calendar_day",), body=_const({})
    ),
    "sla-public-holiday-list": Rule(read=IT, write=MANAGERS, body=_const({})),
    "sla-public-holiday-detail": Rule(read=SCOPE, write=MANAGERS, on=("holiday",), body=_const({})),
    "sla-policy-list": Rule(read=IT, write=MANAGERS, body=_const({})),
    "sla-policy-detail": Rule(read=SCOPE, write=MANAGERS, on=("sla_policy",), body=_const({})),
    "sla-escalation-list": Rule(read=IT, write=MANAGERS, body=_const({})),
    "sla-escalation-detail": Rule(read=SCOPE, write=MANAGERS, on=("escalation",), body=_const({})),
    # --- notifications -------------------------------------------------------------------------
    "notification-list": Rule(read=SIGNED_IN, shows=("notif_li", "notif_wu")),
    "notification-unread-count": Rule(read=SIGNED_IN),
    # marks one's own only: test_nobody_reads_or_marks_another_persons_notifications
    "notification-mark-read": Rule(write=SIGNED_IN, body=_const({})),
    "notification-preferences": Rule(read=SIGNED_IN, write=SIGNED_IN, body=_const([])),
    # --- satisfaction surveys (docs/surveys.md) ------------------------------------------------
    "survey-list": Rule(read=SIGNED_IN, shows=SURVEYS),
    "survey-detail": Rule(read=SCOPE, on=SURVEYS, shows=SURVEYS),
    # only the requester answers (409 here: the world's tickets are still open)
    "survey-answer": Rule(
        write={"survey_mz": who("nurse_li"), "survey_fs": who("tech_wu")},
        on=SURVEYS,
        body=_const({"scores": {"technical": 5, "response": 5, "attitude": 5}}),
    ),
    "survey-follow-up-list": Rule(read=DESK, shows=("follow_up",)),
    "survey-follow-up-detail": Rule(read=SCOPE, on=("follow_up",), shows=("follow_up",)),
    "survey-follow-up-take": Rule(write=MANAGERS, on=("follow_up",)),
    "survey-follow-up-close": Rule(
        write=MANAGERS, on=("follow_up",), body=_const({"outcome": "已电话回访"})
    ),
    "survey-config-list": Rule(read=IT, write=MANAGERS, shows=("survey_config",), body=_const({})),
    "survey-config-detail": Rule(
        read=SCOPE, write=MANAGERS, on=("survey_config",), body=_const({})
    ),
    "survey-summary": Rule(read=DESK, query="?month=2026-10"),
    "survey-summary-export": Rule(read=DESK, query="?month=2026-10&format=xlsx"),
    "survey-summary-generate": Rule(write=MANAGERS, body=_const({"month": "2026-10"})),
    # --- KPIs ----------------------------------------------------------------------------------
    "board-desk": Rule(read=DESK),  # docs/boards.md
    "board-wall": Rule(read=DESK),
    "board-home": Rule(read=SIGNED_IN),
    "kpi-set": Rule(read=IT),
    "kpi-set-job": Rule(write=IT),
    "kpi-export": Rule(read=IT),
    "kpi": Rule(read=IT, kwargs={"code": "incidents_without_ci"}),
    "kpi-trend": Rule(read=IT, kwargs={"code": "incidents_without_ci"}, query="?months=2"),
    "kpi-tickets": Rule(read=IT, kwargs={"code": "incidents_without_ci"}),
    # --- WeCom ----------------------------------------------------------------------------------
    "wecom-config": Rule(read=ADMIN, write=ADMIN, body=_const({})),
    "wecom-config-test": Rule(write=ADMIN),
    "wecom-config-keys": Rule(write=ADMIN),
    "wecom-inbound-list": Rule(read=ADMIN, shows=("wecom_in",)),
    "wecom-inbound-detail": Rule(read=SCOPE, on=("wecom_in",)),
    "wecom-outbound-list": Rule(read=ADMIN, shows=("wecom_out",)),
    "wecom-outbound-detail": Rule(read=SCOPE, on=("wecom_out",)),
    "wecom-outbound-retry": Rule(write=ADMIN, on=("wecom_out",)),
    # Creating is refused (WeCom is off in the world) after the checks, for those who see the ticket.
    "wecom-chat-list": Rule(
        read=IT,
        write=SEES_MZ & IT,
        shows=("chat_mz",),
        body=lambda pk, obj: {"ticket": pk["ticket_mz"]},
    ),
    "wecom-chat-detail": Rule(read=SCOPE, on=("chat_mz",)),
    # Refused (WeCom is off in the world) after the checks, for those who may attach to ticket_mz.
    "wecom-media": Rule(
        write=REQUESTER_OR_WORKERS["ticket_mz"] | SEES_MZ,
        body=lambda pk, obj: {"ticket": pk["ticket_mz"], "media_ids": ["m1"]},
    ),
}

# Routes outside the matrix, each with the reason.
EXEMPT: dict[str, str] = {
    "auth-csrf": "open to anonymous callers by design: sets the CSRF cookie, answers 204",
    "auth-login": "open to anonymous callers by design: the login form (test_auth.py)",
    "wecom-status": "open to anonymous callers by design: tells the H5 login page whether to "
    "offer WeCom login (no data)",
    "wecom-oauth-start": "open to anonymous callers by design: a browser navigation that "
    "redirects to WeCom's login (test_login_chats.py)",
    "wecom-oauth-callback": "open to anonymous callers by design: WeCom's login comes back here; "
    "signs in only with a valid state, nonce and single-use code (test_login_chats.py)",
    "wecom-jssdk": "signatures for any signed-in user's H5 page, no object data; answers 400 "
    "while WeCom is off (test_login_chats.py)",
    "system-health": "open to load balancers by design; the full report only for admins and "
    "system administrators (core/tests/test_health.py)",
}
