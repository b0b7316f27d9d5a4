"""Processing stored callbacks: the conversation between a member of staff and the IT app.

- Text first goes to the knowledge base's auto-answer. Above the threshold the answer comes
  back as a card with 「已解决」/「转人工」; below it a ticket is created with the text.
- Messages from the same person within ``WECOM_DRAFT_MINUTES`` of their ticket join it (a reply
  for text, an attachment for a photo or voice message). A photo or voice message before any
  text waits for the text that creates the ticket, then joins it (WeCom keeps media three days).
- 「进度」/「我的工单」 list the person's open tickets; menu clicks 报修, 我的工单, 知识库, 满意度.
- Card buttons: 已解决 / 转人工 on an answer, 接单 on an engineer's task card; the card is then
  greyed out with ``update_template_card``.

One person's messages are handled one at a time (their Conversation row is locked), so two
workers never create two tickets from one burst of messages.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from hitsm.accounts.models import User
from hitsm.catalog.choices import TicketKind
from hitsm.core.context import acting_as
from hitsm.core.errors import DomainError
from hitsm.servicedesk.choices import OPEN_STATUSES, Channel, TicketStatus
from hitsm.servicedesk.models import Ticket
from hitsm.wecom import messages, outbox
from hitsm.wecom.client import Media, WeComClient, WeComUnavailable
from hitsm.wecom.config import connection
from hitsm.wecom.models import (
    Conversation,
    ConversationState,
    InboundMessage,
    InboundStatus,
    OutboundKind,
)

logger = logging.getLogger(__name__)
LEASE = timedelta(minutes=2)
MAX_ATTEMPTS = 5
MEDIA_TYPES = {"image": "jpg", "voice": "amr", "video": "mp4", "file": "bin"}
PROGRESS_WORDS = {"进度", "查询", "查进度", "我的工单", "工单进度"}
SOLVED_WORDS = {"1", "已解决", "解决了", "好了", "可以了"}
HUMAN_WORDS = {"2", "转人工", "人工", "人工服务", "报修"}


class _Later(Exception):
    """Try this message again later (WeCom unreachable while downloading its media)."""


def process(*, inbound_id: int) -> bool:
    """Claim and handle one stored callback; False when it is not ours to handle."""
    now = timezone.now()
    claimed = (
        InboundMessage.objects.filter(pk=inbound_id)
        .filter(
            Q(status=InboundStatus.RECEIVED, lease_until__isnull=True)
            | Q(status=InboundStatus.RECEIVED, lease_until__lte=now)
            | Q(status=InboundStatus.PROCESSING, lease_until__lt=now)
        )
        .update(
            status=InboundStatus.PROCESSING, attempts=F("attempts") + 1, lease_until=now + LEASE
        )
    )
    if not claimed:
        return False
    message = InboundMessage.objects.get(pk=inbound_id)
    try:
        with acting_as(label="wecom"):
            media = _download(message)
            with transaction.atomic():
                _handle(message, media)
    except _Later as exc:
        _again(message, str(exc), delay=60)
        return False
    except Exception as exc:
        logger.exception("WeCom message %s failed", message.pk)
        if message.attempts >= MAX_ATTEMPTS:
            message.status = InboundStatus.FAILED
            message.error = f"{type(exc).__name__}: {exc}"[:300]
            message.save(update_fields=["status", "error"])
        else:
            _again(message, f"{type(exc).__name__}: {exc}", delay=30 * message.attempts)
        return False
    return True


def _again(message: InboundMessage, error: str, *, delay: int) -> None:
    message.status = InboundStatus.RECEIVED
    message.lease_until = timezone.now() + timedelta(seconds=delay)
    message.error = error[:300]
    message.save(update_fields=["status", "lease_until", "error"])


def _finish(
    message: InboundMessage, status: str, *, ticket: Ticket | None = None, error: str = ""
) -> None:
    message.status = status
    message.ticket = ticket or message.ticket
    message.error = error[:300]
    message.processed_at = timezone.now()
    message.lease_until = None
    message.save(update_fields=["status", "ticket", "error", "processed_at", "lease_until"])


def _download(message: InboundMessage) -> Media | None:
    """A photo or voice message's file, fetched before the transaction (no network call while
    the conversation is locked) and only when it will join a ticket now."""
    if message.msg_type not in MEDIA_TYPES or message.user_id is None:
        return None
    conversation = Conversation.objects.filter(userid=message.from_user).first()
    if conversation is None or _draft(conversation) is None:
        return None
    conn = connection()
    if not conn.can_call:
        raise _Later("企业微信未启用")
    media_id = str(message.payload.get("MediaId", ""))
    with WeComClient(conn) as client:
        try:
            return client.media_get(media_id)
        except WeComUnavailable as exc:
            raise _Later(f"{exc.errcode}: {exc.errmsg}") from exc


def _reply(message: InboundMessage, kind_payload: tuple[str, dict[str, Any]], *, tag: str) -> None:
    kind, payload = kind_payload
    outbox.queue(
        kind=kind,
        dedupe_key=f"reply:{message.pk}:{tag}",
        payload=payload,
        to_users=[message.from_user],
        summary=_summary(payload),
        ticket=message.ticket,
    )


def _summary(payload: dict[str, Any]) -> str:
    if "text" in payload:
        return str(payload["text"].get("content", ""))[:200]
    if "textcard" in payload:
        return str(payload["textcard"].get("title", ""))
    if "template_card" in payload:
        return str(payload["template_card"].get("main_title", {}).get("title", ""))
    return ""


def _conversation(message: InboundMessage) -> Conversation:
    conversation, _ = Conversation.objects.get_or_create(
        userid=message.from_user, defaults={"user": message.user}
    )
    return Conversation.objects.select_for_update().get(pk=conversation.pk)


def _draft(conversation: Conversation) -> Ticket | None:
    """The ticket new messages join: created from this chat within the draft window and
    still open."""
    if conversation.draft_id is None or conversation.last_message_at is None:
        return None
    window = timedelta(minutes=settings.WECOM_DRAFT_MINUTES)
    if timezone.now() - conversation.last_message_at > window:
        return None
    return Ticket.objects.filter(pk=conversation.draft_id, status__in=OPEN_STATUSES).first()


def _handle(message: InboundMessage, media: Media | None) -> None:
    user = message.user
    if user is None:
        user = User.objects.filter(wecom_userid=message.from_user, is_active=True).first()
        message.user = user
        if user is not None:
            message.save(update_fields=["user"])
    if user is None:
        _unbound(message)
        return
    conversation = _conversation(message)
    if conversation.user_id != user.pk:
        conversation.user = user
    if message.msg_type == "text":
        _on_text(message, conversation, user)
    elif message.msg_type in MEDIA_TYPES:
        _on_media(message, conversation, user, media)
    elif message.msg_type == "event":
        _on_event(message, conversation, user)
    else:
        _reply(
            message, messages.text("暂不支持这类消息，请发送文字、图片或语音。"), tag="unsupported"
        )
        _finish(message, InboundStatus.IGNORED)
    conversation.save()


def _unbound(message: InboundMessage) -> None:
    day = timezone.localdate().isoformat()
    outbox.queue(
        kind=OutboundKind.TEXT,
        dedupe_key=f"bind-hint:{message.from_user}:{day}",
        payload=messages.text(
            "您的企业微信账号尚未与IT服务平台绑定。请点击下方链接，用工号和密码登录一次即可完成绑定："
            + messages.h5_link("/")
        )[1],
        to_users=[message.from_user],
        summary="账号未绑定提示",
    )
    _finish(message, InboundStatus.IGNORED, error="企业微信账号未绑定平台用户")


# --- text ------------------------------------------------------------------------------------


def _on_text(message: InboundMessage, conversation: Conversation, user: User) -> None:
    content = str(message.payload.get("Content", "")).strip()
    word = content.replace(" ", "")
    if not content:
        _finish(message, InboundStatus.IGNORED)
        return
    if word in PROGRESS_WORDS:
        _progress(message, user)
        _finish(message, InboundStatus.DONE)
        return
    if conversation.state == ConversationState.ANSWERED and conversation.question_id:
        if word in SOLVED_WORDS:
            _solved(message, conversation)
            return
        if word in HUMAN_WORDS:
            _to_ticket(message, conversation, user, text=conversation.question.text)  # type: ignore[union-attr]
            return
    draft = _draft(conversation)
    conversation.last_message_at = timezone.now()
    if draft is not None:
        _join(message, draft, user, body=content)
        return
    if word in HUMAN_WORDS:
        _reply(
            message,
            messages.text("请直接发送一句话描述遇到的问题（可附图片或语音），我们会为您登记报修。"),
            tag="how",
        )
        _finish(message, InboundStatus.DONE)
        return
    _ask(message, conversation, user, content)


def _ask(message: InboundMessage, conversation: Conversation, user: User, content: str) -> None:
    from hitsm.knowledge.services import question_ask

    question, articles = question_ask(text=content, channel=Channel.WECOM, user=user)
    if question.answered and articles:
        conversation.state = ConversationState.ANSWERED
        conversation.question = question
        _reply(
            message,
            messages.answer_card(question_id=question.pk, article=articles[0], others=articles[1:]),
            tag="answer",
        )
        _finish(message, InboundStatus.DONE)
        return
    _to_ticket(message, conversation, user, text=content, question=question)


def _to_ticket(
    message: InboundMessage,
    conversation: Conversation,
    user: User,
    *,
    text: str,
    question: Any = None,
) -> None:
    from hitsm.knowledge.models import Outcome
    from hitsm.knowledge.services import question_close
    from hitsm.servicedesk.services import ticket_create

    question = question or conversation.question
    ticket = ticket_create(
        requester=user,
        submitted_by=user,
        kind=TicketKind.INCIDENT,
        title=_title(text),
        description=text,
        channel=Channel.WECOM,
        department=user.department,
        contact_phone=user.mobile or user.phone_ext,
    )
    if question is not None:
        question_close(question=question, outcome=Outcome.TICKET, ticket=ticket)
    conversation.state = ConversationState.IDLE
    conversation.question = None
    conversation.draft = ticket
    conversation.last_message_at = timezone.now()
    waiting = list(conversation.pending_media)
    conversation.pending_media = []
    message.ticket = ticket
    _reply(
        message,
        messages.textcard(
            f"已为您登记工单 {ticket.number}",
            f"{ticket.title}\n接下来{settings.WECOM_DRAFT_MINUTES}分钟内发送的文字、图片和语音会补充到这张工单。",
            messages.h5_link(f"/tickets/{ticket.pk}"),
            "查看进度",
        ),
        tag="ticket",
    )
    _finish(message, InboundStatus.DONE, ticket=ticket)
    if waiting:  # photos sent before the text now join the ticket
        InboundMessage.objects.filter(pk__in=waiting, status=InboundStatus.IGNORED).update(
            status=InboundStatus.RECEIVED, lease_until=None, error=""
        )
        transaction.on_commit(lambda: _requeue(waiting))


def _requeue(ids: list[int]) -> None:
    from hitsm.wecom.callback import _enqueue

    for pk in ids:
        _enqueue(pk)


def _title(text: str) -> str:
    first = text.strip().splitlines()[0] if text.strip() else "企业微信报修"
    return first[:60]


def _join(message: InboundMessage, ticket: Ticket, user: User, *, body: str) -> None:
    from hitsm.servicedesk.services import ticket_reply

    try:
        ticket_reply(ticket=ticket, actor=user, body=body)
    except DomainError as exc:
        _finish(message, InboundStatus.FAILED, ticket=ticket, error=str(exc.message))
        return
    _finish(message, InboundStatus.DONE, ticket=ticket)


def _solved(message: InboundMessage, conversation: Conversation) -> None:
    from hitsm.knowledge.models import Outcome
    from hitsm.knowledge.services import question_close

    if conversation.question is not None:
        question_close(question=conversation.question, outcome=Outcome.SOLVED)
    conversation.state = ConversationState.IDLE
    conversation.question = None
    _reply(message, messages.text("很高兴问题已解决！如还有问题，随时发消息给我。"), tag="solved")
    _finish(message, InboundStatus.DONE)


def _progress(message: InboundMessage, user: User) -> None:
    tickets = list(
        Ticket.objects.filter(requester=user, status__in=OPEN_STATUSES).order_by("-created_at")[:5]
    )
    if not tickets:
        _reply(message, messages.text("您目前没有处理中的工单。"), tag="progress")
        return
    lines = [f"{t.number} {t.title[:20]}：{TicketStatus(t.status).label}" for t in tickets]
    _reply(
        message,
        messages.textcard(
            f"您有 {len(tickets)} 张处理中的工单",
            "\n".join(lines),
            messages.h5_link("/tickets"),
            "全部工单",
        ),
        tag="progress",
    )


# --- photos and voice ------------------------------------------------------------------------


def _on_media(
    message: InboundMessage, conversation: Conversation, user: User, media: Media | None
) -> None:
    from hitsm.servicedesk.services import ticket_attach

    draft = _draft(conversation)
    if draft is None or media is None:
        # Before any text: wait for the text that creates the ticket.
        if message.pk not in conversation.pending_media:
            conversation.pending_media = [*conversation.pending_media, message.pk][-10:]
        _reply(
            message,
            messages.text("已收到，请再用一句话描述遇到的问题，我们会一起登记。"),
            tag="media-wait",
        )
        _finish(message, InboundStatus.IGNORED, error="等待文字描述")
        conversation.last_message_at = timezone.now()
        return
    name = media.filename
    if "." not in name:
        name = f"{message.msg_type}-{message.payload.get('MsgId', message.pk)}.{MEDIA_TYPES[message.msg_type]}"
    upload = SimpleUploadedFile(name, media.content, content_type=media.content_type)
    try:
        ticket_attach(ticket=draft, actor=user, files=[upload])
    except DomainError as exc:
        _finish(message, InboundStatus.FAILED, ticket=draft, error=str(exc.message))
        return
    conversation.last_message_at = timezone.now()
    _finish(message, InboundStatus.DONE, ticket=draft)


# --- events: menu clicks and card buttons ----------------------------------------------------


def _on_event(message: InboundMessage, conversation: Conversation, user: User) -> None:
    event = message.event.lower()
    key = str(message.payload.get("EventKey", ""))
    if event == "template_card_event":
        _on_card(message, conversation, user, key)
        return
    if event == "click":
        if key == "report":
            _reply(
                message,
                messages.text(
                    "请直接发送一句话描述遇到的问题，可附图片或语音，我们会先为您查找解决办法。"
                ),
                tag="menu",
            )
        elif key == "my_tickets":
            _progress(message, user)
        elif key == "knowledge":
            _reply(
                message,
                messages.textcard(
                    "IT知识库", "常见问题自助解决", messages.h5_link("/knowledge"), "打开"
                ),
                tag="menu",
            )
        elif key == "survey":
            _reply(
                message,
                messages.textcard(
                    "服务评价", "对已解决的工单进行评价", messages.h5_link("/tickets"), "去评价"
                ),
                tag="menu",
            )
        _finish(message, InboundStatus.DONE)
        return
    _finish(message, InboundStatus.IGNORED)  # enter_agent, view, subscribe …


def _on_card(message: InboundMessage, conversation: Conversation, user: User, key: str) -> None:
    from hitsm.knowledge.models import Question

    action, _, ident = key.partition(":")
    response_code = str(message.payload.get("ResponseCode", ""))
    label = ""
    if action in (messages.KB_SOLVED, messages.KB_TICKET) and ident.isdigit():
        question = Question.objects.filter(pk=int(ident), asked_by=user).first()
        if question is None:
            _finish(message, InboundStatus.IGNORED, error="问题不存在")
            return
        if question.outcome:
            label = "已反馈"
        elif action == messages.KB_SOLVED:
            conversation.question = question
            _solved(message, conversation)
            label = "已解决"
        else:
            conversation.question = question
            _to_ticket(message, conversation, user, text=question.text, question=question)
            label = "已转人工"
    elif action == messages.TICKET_ACCEPT and ident.isdigit():
        label = _accept(message, user, int(ident))
    elif action == messages.SURVEY_SUBMIT and ident.isdigit():
        label = _rate(message, user, int(ident))
    else:
        _finish(message, InboundStatus.IGNORED, error="未知的卡片按钮")
        return
    if message.status == InboundStatus.PROCESSING:
        _finish(message, InboundStatus.DONE)
    if response_code:
        outbox.queue(
            kind=OutboundKind.UPDATE_CARD,
            dedupe_key=f"card:{response_code}",
            payload=messages.card_done(response_code, label or "已处理"),
            to_users=[message.from_user],
            summary=f"卡片更新：{label}",
            ticket=message.ticket,
        )


def _accept(message: InboundMessage, user: User, ticket_id: int) -> str:
    """「接单」: the desk accepts a new ticket (受理); an engineer of the ticket's group takes it
    (assigned to themself if nobody is yet) and starts work. The same checks as the web."""
    from hitsm.servicedesk.selectors import is_desk, is_worker, ticket_can
    from hitsm.servicedesk.services import ticket_accept, ticket_assign, ticket_start

    ticket = Ticket.objects.select_for_update().filter(pk=ticket_id).first()
    if ticket is None or not ticket_can(user, "retrieve", ticket):
        _finish(message, InboundStatus.IGNORED, error="工单不存在或无权查看")
        return "无权操作"
    message.ticket = ticket
    try:
        if ticket.status == TicketStatus.NEW and is_desk(user):
            ticket_accept(ticket=ticket, actor=user)
            label = "已受理"
        elif ticket.status in (TicketStatus.ACCEPTED, TicketStatus.ASSIGNED) and is_worker(
            user, ticket
        ):
            if ticket.assignee_id not in (None, user.pk):
                _reply(message, messages.text(f"工单 {ticket.number} 已由他人处理。"), tag="taken")
                return "已由他人处理"
            if ticket.assignee_id is None:
                ticket = ticket_assign(ticket=ticket, actor=user, assignee=user)
            ticket_start(ticket=ticket, actor=user)
            label = "已接单"
        else:
            _reply(
                message,
                messages.text(
                    f"工单 {ticket.number} 当前为「{TicketStatus(ticket.status).label}」，无需接单。"
                ),
                tag="late",
            )
            return "已处理"
    except DomainError as exc:
        _reply(message, messages.text(f"无法接单：{exc.message}"), tag="refused")
        return "无法接单"
    _reply(message, messages.text(f"{label}：{ticket.number} {ticket.title}"), tag="accepted")
    return label


def _selected(payload: dict[str, Any]) -> dict[str, int]:
    """A card's drop-down answers: {question key: option id as a number}."""
    items = (payload.get("SelectedItems") or {}).get("SelectedItem") or []
    if isinstance(items, dict):
        items = [items]
    chosen: dict[str, int] = {}
    for item in items:
        if not isinstance(item, dict):
            continue
        options = (item.get("OptionIds") or {}).get("OptionId")
        first = options[0] if isinstance(options, list) and options else options
        if isinstance(first, str) and first.isdigit():
            chosen[str(item.get("QuestionKey", ""))] = int(first)
    return chosen


def _rate(message: InboundMessage, user: User, survey_id: int) -> str:
    """The survey card's submit: the same answer the H5 page gives, on the WeCom channel."""
    from hitsm.surveys.models import Survey
    from hitsm.surveys.services import survey_answer

    survey = Survey.objects.filter(pk=survey_id).select_related("ticket").first()
    if survey is None:
        _finish(message, InboundStatus.IGNORED, error="调查不存在")
        return "已失效"
    message.ticket = survey.ticket
    try:
        survey = survey_answer(
            survey=survey,
            actor=user,
            scores=_selected(message.payload),
            comment="",
            channel=Channel.WECOM,
        )
    except DomainError as exc:
        _reply(message, messages.text(f"评价未能提交：{exc.message}"), tag="survey-refused")
        _finish(message, InboundStatus.FAILED, ticket=survey.ticket, error=str(exc.message))
        return "未能提交"
    low = min((survey.scores() or {}).values(), default=5) <= survey.low_score_threshold
    thanks = "感谢您的评价！" + ("服务经理会尽快与您联系，了解问题所在。" if low else "")
    _reply(message, messages.text(thanks), tag="survey-thanks")
    return "已评价"


def dispatch_due(*, limit: int = 200) -> int:
    now = timezone.now()
    due = list(
        InboundMessage.objects.filter(
            Q(status=InboundStatus.RECEIVED, lease_until__isnull=True)
            | Q(status=InboundStatus.RECEIVED, lease_until__lte=now)
            | Q(status=InboundStatus.PROCESSING, lease_until__lt=now)
        )
        .order_by("id")
        .values_list("id", flat=True)[:limit]
    )
    return sum(1 for pk in due if process(inbound_id=pk))
