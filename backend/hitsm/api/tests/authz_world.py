"""The small hospital the authorization matrix runs in: two departments, two support groups,
one person per role (two of some), and one object of every kind the API exposes.

Every object with a free-text field carries a *marker* (``ZQ…QZ``) in it, so a test can tell
from any answer — JSON, an Excel export, a file — whether that object leaked into it.
"""

from __future__ import annotations

import io
import uuid
from dataclasses import dataclass, field
from datetime import timedelta

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from hitsm.accounts.models import DepartmentKind, LoginEvent, LoginEventKind, User
from hitsm.accounts.roles import Role
from hitsm.accounts.services import api_token_create
from hitsm.accounts.tests.factories import DepartmentFactory, UserFactory
from hitsm.catalog.models import ActivityPattern, CatalogCategory, CatalogItem, Form, NfrRecord
from hitsm.catalog.services import form_publish, form_save
from hitsm.cmdb.models import CIAttribute, CIClass, RelationType
from hitsm.cmdb.reference import reference_load
from hitsm.cmdb.services import ci_create, relation_create
from hitsm.core.models import ChangeLog, Job
from hitsm.knowledge import services as kb
from hitsm.knowledge.models import Article, Audience, KnowledgeCategory, Synonym
from hitsm.notifications.models import Notification, NotificationChannel, NotificationKind
from hitsm.servicedesk import services as desk
from hitsm.servicedesk.models import (
    AssignmentGroup,
    Attachment,
    Category,
    RoutingRule,
    SavedFilter,
    TranscodeStatus,
)
from hitsm.sla.models import (
    BusinessCalendar,
    CalendarDay,
    EscalationRule,
    PublicHoliday,
    SlaPolicy,
    SlaTarget,
)
from hitsm.sla.reference import calendars_load, holidays_load, policies_load
from hitsm.surveys.models import FollowUp, Survey, SurveyConfig
from hitsm.wecom.models import GroupChat, InboundMessage, OutboundMessage, OutboundStatus
from hitsm.workflow.models import (
    HumanTask,
    ProcessBinding,
    ProcessDefinition,
    WebhookCall,
    WebhookPolicy,
    WebhookStatus,
)
from hitsm.workflow.services import definition_publish
from hitsm.workflow.tests import bpmn

# Who is who: name → (role, department code, support group code).
PEOPLE: dict[str, tuple[str, str | None, str | None]] = {
    "nurse_li": (Role.REQUESTER, "MZ", None),  # 门诊部, requester of ticket_mz
    "doctor_ma": (Role.REQUESTER, "MZ", None),  # 门诊部 too, not on the ticket
    "tech_wu": (Role.REQUESTER, "FSK", None),  # 放射科, requester of ticket_fs
    "agent_chen": (Role.AGENT, None, "desktop"),
    "agent_liu": (Role.AGENT, None, "apps"),
    "engineer_wang": (Role.ENGINEER, None, "desktop"),
    "engineer_zhang": (Role.ENGINEER, None, "apps"),
    "sysadmin_zhou": (Role.SYSADMIN, None, None),
    "manager_zhao": (Role.MANAGER, None, None),
    "admin_sys": (Role.ADMIN, None, None),
    "auditor_sun": (Role.AUDITOR, None, None),  # 三员分立: reads the audit log, nothing else
    "security_qian": (Role.SECURITY_OFFICER, None, None),  # looks accounts up, lifts lockouts
}
ANONYMOUS = "anonymous"
PRINCIPALS = (ANONYMOUS, *PEOPLE)

FORM = {
    "fields": [
        {
            "key": "level",
            "type": "select",
            "label": "级别",
            "options": [{"value": "high", "label": "高"}, {"value": "low", "label": "低"}],
        }
    ]
}


def marker(key: str) -> str:
    return f"ZQ{key.upper().replace('_', '')}QZ"


def jpeg(name: str) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 30, 30)).save(buffer, format="JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def text_file(name: str, content: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content.encode(), content_type="text/plain")


@dataclass
class World:
    users: dict[str, User] = field(default_factory=dict)
    pk: dict[str, int] = field(default_factory=dict)

    def fresh_users(self) -> dict[str, User]:
        """The people re-read from the database: role and group caches start empty."""
        rows = User.objects.in_bulk([u.pk for u in self.users.values()])
        return {name: rows[user.pk] for name, user in self.users.items()}


def _process_xml() -> str:
    """start → 分诊 (R engineer_wang, A manager_zhao, I agent_liu and the requester) → end."""
    return bpmn.document(
        '<bpmn:startEvent id="start"/>'
        + bpmn.flow("f1", "start", "triage")
        + bpmn.user_task(
            "triage",
            f"分诊 {marker('task')}",
            bpmn.raci(
                responsible="user:engineer_wang",
                accountable="user:manager_zhao",
                informed="user:agent_liu requester",
            ),
        )
        + bpmn.flow("f2", "triage", "end")
        + '<bpmn:endEvent id="end"/>',
        name=f"故障分诊 {marker('process')}",
    )


def world_build() -> World:
    world = World()
    pk = world.pk
    campus = DepartmentFactory(name="总院区", code="HQ", kind=DepartmentKind.CAMPUS)
    departments = {
        "MZ": DepartmentFactory(name="门诊部", code="MZ", parent=campus),
        "FSK": DepartmentFactory(name="放射科", code="FSK", parent=campus),
    }
    pk["department"] = departments["MZ"].pk
    groups = {
        "desktop": AssignmentGroup.objects.create(name="桌面运维组", code="desktop"),
        "apps": AssignmentGroup.objects.create(name="应用组", code="apps"),
    }
    pk["group_a"], pk["group_b"] = groups["desktop"].pk, groups["apps"].pk
    for name, (role, department, group) in PEOPLE.items():
        user = UserFactory(
            username=name,
            display_name=name,
            department=departments[department] if department else None,
            roles=[role],
        )
        if group:
            groups[group].members.add(user)
        world.users[name] = user
    u = world.users
    pk["user_li"], pk["user_wang"] = u["nurse_li"].pk, u["engineer_wang"].pk

    # CMDB
    reference_load(CIClass, CIAttribute, RelationType)
    application = CIClass.objects.get(code="application")
    his = ci_create(ci_class=application, code="HIS", name=f"HIS {marker('ci')}")
    pacs = ci_create(ci_class=application, code="PACS", name="PACS")
    relation = relation_create(
        source=his, target=pacs, type=RelationType.objects.get(code="depends_on")
    )
    pk.update(
        ci=his.pk,
        ci_class=application.pk,
        attribute=CIAttribute.objects.filter(ci_class=application).first().pk,  # type: ignore[union-attr]
        relation_type=relation.type_id,
        relation=relation.pk,
    )

    # Service desk reference data
    category = Category.objects.create(
        name="打印机", code="printer", default_group=groups["desktop"]
    )
    pk["category"] = category.pk
    pk["rule"] = RoutingRule.objects.create(name="门诊打印机", target_group=groups["desktop"]).pk

    # Catalog: one item for everyone (its tickets follow a process), one for 放射科 only
    menu = CatalogCategory.objects.create(code="authz-menu", name="常用服务")
    form = form_save(form=Form(code="authz-form", name=f"故障 {marker('form')}", draft_schema=FORM))
    form_publish(form=form, actor=None)
    item_all = CatalogItem.objects.create(
        code="authz-fault",
        name=f"系统故障 {marker('item_all')}",
        kind="incident",
        category=menu,
        form=form,
    )
    item_fs = CatalogItem.objects.create(
        code="authz-pacs", name=f"PACS 调阅 {marker('item_fs')}", kind="request", category=menu
    )
    item_fs.departments.set([departments["FSK"]])
    pk.update(menu_category=menu.pk, form=form.pk, item_all=item_all.pk, item_fs=item_fs.pk)
    pk["nfr"] = NfrRecord.objects.create(application=his, system_accounts=300).pk
    pk["pattern"] = ActivityPattern.objects.create(code="authz-opd", name="门诊业务").pk

    # A process on item_all: its tickets open a task with R, A and I
    definition = ProcessDefinition.objects.create(
        code="authz-triage", name=f"故障分诊 {marker('process')}", draft_xml=_process_xml()
    )
    ProcessBinding.objects.create(process=definition, catalog_item=item_all)
    definition_publish(definition=definition, actor=u["admin_sys"])
    pk["definition"] = definition.pk

    # SLA configuration
    calendars_load(BusinessCalendar)
    holidays_load(PublicHoliday, 2026, 2026)
    policies_load(BusinessCalendar, SlaPolicy, SlaTarget, EscalationRule)
    calendar = BusinessCalendar.objects.get(code="5x8")
    pk.update(
        calendar=calendar.pk,
        calendar_day=CalendarDay.objects.create(
            calendar=calendar, date="2026-12-24", kind="workday", name="盘点"
        ).pk,
        holiday=PublicHoliday.objects.order_by("date").first().pk,  # type: ignore[union-attr]
        sla_policy=SlaPolicy.objects.order_by("order").first().pk,  # type: ignore[union-attr]
        escalation=EscalationRule.objects.order_by("id").first().pk,  # type: ignore[union-attr]
    )

    # Tickets: one per department and group, each accepted and assigned to its engineer
    ticket_mz = desk.ticket_create(
        requester=u["nurse_li"],
        submitted_by=u["nurse_li"],
        kind="incident",
        title=f"门诊3楼打印机卡纸 {marker('ticket_mz')}",
        catalog_item=item_all,
        form_data={"level": "high"},
        category=category,
    )
    ticket_fs = desk.ticket_create(
        requester=u["tech_wu"],
        submitted_by=u["tech_wu"],
        kind="incident",
        title=f"PACS 影像打不开 {marker('ticket_fs')}",
    )
    for ticket, agent, group, engineer in (
        (ticket_mz, "agent_chen", "desktop", "engineer_wang"),
        (ticket_fs, "agent_liu", "apps", "engineer_zhang"),
    ):
        desk.ticket_accept(ticket=ticket, actor=u[agent])
        desk.ticket_assign(ticket=ticket, actor=u[agent], group=groups[group], assignee=u[engineer])
    # The desk ties the two together (one network outage, two departments): related, and
    # ticket_mz filed under ticket_fs as its parent.
    desk.ticket_link(ticket=ticket_mz, actor=u["agent_chen"], other=ticket_fs)
    desk.ticket_set_parent(ticket=ticket_mz, actor=u["agent_chen"], parent=ticket_fs)
    pk["ticket_mz"], pk["ticket_fs"] = ticket_mz.pk, ticket_fs.pk

    # Timeline: public replies, an internal note, public and internal attachments
    for key, ticket, author, internal in (
        ("reply_mz", ticket_mz, "nurse_li", False),
        ("note_mz", ticket_mz, "engineer_wang", True),
        ("reply_fs", ticket_fs, "tech_wu", False),
    ):
        event = desk.ticket_reply(
            ticket=ticket, actor=u[author], body=f"进展 {marker(key)}", internal=internal
        )
        pk[key] = event.pk
    for key, ticket, author, upload, internal in (
        ("photo_mz", ticket_mz, "nurse_li", jpeg(f"{marker('photo_mz')}.jpg"), False),
        (
            "memo_mz",
            ticket_mz,
            "engineer_wang",
            text_file(f"{marker('memo_mz')}.txt", marker("memo_mz")),
            True,
        ),
        ("photo_fs", ticket_fs, "tech_wu", jpeg(f"{marker('photo_fs')}.jpg"), False),
        (
            "voice_mz",
            ticket_mz,
            "nurse_li",
            SimpleUploadedFile(f"{marker('voice_mz')}.amr", b"#!AMR\n" + bytes(64)),
            False,
        ),
    ):
        (attachment,) = desk.ticket_attach(
            ticket=ticket, actor=u[author], files=[upload], internal=internal
        )
        pk[key] = attachment.pk
    voice = Attachment.objects.get(pk=pk["voice_mz"])  # as if the worker had made its MP3 copy
    voice.playback.save("voice.mp3", ContentFile(b"ID3" + bytes(64)), save=False)
    voice.transcode_status = TranscodeStatus.DONE
    voice.save(update_fields=["playback", "transcode_status"])

    task = HumanTask.objects.get(instance__subject_id=ticket_mz.pk)
    pk["task"], pk["process"] = task.pk, task.instance_id
    pk["webhook"] = WebhookCall.objects.create(
        key=uuid.uuid4(),
        instance=task.instance,
        engine_task_id="authz",
        node_id="notify_his",
        url="http://127.0.0.1:9/hook",
        policy=WebhookPolicy.MANUAL,
        status=WebhookStatus.SUCCEEDED,  # done: retry and skip answer 409, nothing runs
        next_at=timezone.now(),
    ).pk

    # WeCom: the message logs (administrators) and the incident chat of ticket_mz (its IT staff)
    pk["wecom_in"] = InboundMessage.objects.create(
        dedupe_key="msg:authz",
        from_user="nurse_li",
        msg_type="text",
        payload={"Content": marker("wecom_in")},
    ).pk
    pk["wecom_out"] = OutboundMessage.objects.create(
        kind="text",
        dedupe_key="authz",
        summary=marker("wecom_out"),
        status=OutboundStatus.SENT,  # sent: a retry answers 409, nothing is sent
    ).pk
    pk["chat_mz"] = GroupChat.objects.create(
        ticket=ticket_mz, chat_id="authzchat", name=marker("chat_mz"), members=[]
    ).pk

    # Per-person rows: notifications, jobs, API tokens, saved filters
    for key, person in (("notif_li", "nurse_li"), ("notif_wu", "tech_wu")):
        pk[key] = Notification.objects.create(
            recipient=u[person],
            channel=NotificationChannel.INAPP,
            kind=NotificationKind.TICKET_REPLY,
            title=marker(key),
            dedupe_key=f"authz:{key}",
        ).pk
    for key, person in (("job_li", "nurse_li"), ("job_admin", "admin_sys")):
        pk[key] = Job.objects.create(
            kind="accounts.user_import", created_by=u[person], message=marker(key)
        ).pk
    token, _key = api_token_create(user=u["agent_chen"], name=marker("token_chen"))
    pk["token_chen"] = token.pk
    for key, shared in (("filter_private", False), ("filter_shared", True)):
        pk[key] = SavedFilter.objects.create(
            owner=u["agent_chen"], name=marker(key), params={"queue": "open"}, shared=shared
        ).pk
    # Knowledge: a published article for everyone, one for IT only, a draft; two questions
    kb_category = KnowledgeCategory.objects.create(code="authz-print", name="打印")
    pk["kb_category"] = kb_category.pk
    pk["synonym"] = Synonym.objects.create(terms=["打不出来", "无法打印"]).pk
    for key, audience, publish in (
        ("article_public", Audience.ALL, True),
        ("article_it", Audience.IT, True),
        ("article_draft", Audience.ALL, False),
    ):
        article = kb.article_save(
            article=None,
            actor=u["engineer_wang"],
            data={
                "title": f"打印机卡纸处理 {marker(key)}",
                "body": "<p>打开后盖，取出卡纸。</p>",
                "category": kb_category,
                "audience": audience,
            },
            relations={"catalog_items": [item_all]},
        )
        if publish:
            article = kb.article_publish(article=article, actor=u["manager_zhao"])
        pk[key] = article.pk
    # Pictures in those articles' bodies, and one not in a saved article yet
    for key, owner in (
        ("kb_image_public", "article_public"),
        ("kb_image_it", "article_it"),
        ("kb_image_draft", "article_draft"),
        ("kb_image_loose", None),
    ):
        image = kb.article_image_upload(
            upload=jpeg(f"{key}.jpg"),
            actor=u["engineer_wang"],
            article=Article.objects.get(pk=pk[owner]) if owner else None,
        )
        pk[key] = image.pk
    for key, person in (("question_li", "nurse_li"), ("question_wu", "tech_wu")):
        question, _articles = kb.question_ask(
            text=f"打印机卡纸 {marker(key)}", channel="web", user=u[person]
        )
        pk[key] = question.pk

    # Satisfaction surveys of both tickets (made directly: the tickets stay open for the other
    # routes), a follow-up on ticket_fs's, and the default survey configuration
    for key, ticket, person in (
        ("survey_mz", ticket_mz, "nurse_li"),
        ("survey_fs", ticket_fs, "tech_wu"),
    ):
        pk[key] = Survey.objects.create(
            ticket=ticket,
            requester=u[person],
            channel=ticket.channel,
            questions=[{"key": "technical", "label": "技术解决能力"}],
            comment=marker(key),
            sent_at=timezone.now(),
            expires_at=timezone.now() + timedelta(days=7),
        ).pk
    pk["follow_up"] = FollowUp.objects.create(
        survey_id=pk["survey_fs"],
        ticket=ticket_fs,
        low_scores={"technical": 1},
        notes=marker("follow_up"),
    ).pk
    pk["survey_config"] = SurveyConfig.objects.create(
        questions=[{"key": "reliability", "label": marker("survey_config")}]
    ).pk

    # The audit log: a change (there are many by now) and a sign-in
    pk["change"] = ChangeLog.objects.order_by("id").first().pk  # type: ignore[union-attr]
    pk["login"] = LoginEvent.objects.create(
        kind=LoginEventKind.LOGIN, user=u["nurse_li"], username="nurse_li", detail=marker("login")
    ).pk
    return world
