"""Administering the connection, incident group chats, WeCom login (OAuth2) and JS-SDK
signatures, and WeCom as a notification channel."""

from __future__ import annotations

import hashlib
import secrets
import string
import time
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from hitsm.accounts.models import User
from hitsm.accounts.roles import IT_STAFF, has_role
from hitsm.catalog.choices import TicketKind
from hitsm.core.errors import Conflict, DomainError, Forbidden, ValidationFailed
from hitsm.core.secrets import secret_seal
from hitsm.servicedesk.models import Ticket, TicketEvent
from hitsm.wecom import messages, outbox
from hitsm.wecom.client import WeComClient, WeComError
from hitsm.wecom.config import Connection, connection, settings_row
from hitsm.wecom.models import GroupChat, OutboundKind, OutboundMessage, WeComSettings

# --- settings --------------------------------------------------------------------------------


def settings_update(*, data: dict[str, Any]) -> WeComSettings:
    row = settings_row()
    for name in ("enabled", "corp_id", "agent_id", "base_url", "oauth_base_url", "proxy"):
        if name in data:
            setattr(row, name, data[name])
    errors: dict[str, list[str]] = {}
    if data.get("encoding_aes_key"):
        key = data["encoding_aes_key"].strip()
        if len(key) != 43 or any(c not in string.ascii_letters + string.digits for c in key):
            errors["encoding_aes_key"] = [_("EncodingAESKey 应为 43 位字母或数字")]
        else:
            row.aes_key_sealed = secret_seal(key)
    if data.get("token"):
        token = data["token"].strip()
        if not token.isalnum() or len(token) > 32:
            errors["token"] = [_("Token 应为不超过 32 位的字母或数字")]
        else:
            row.token_sealed = secret_seal(token)
    if data.get("secret"):
        row.secret_sealed = secret_seal(data["secret"].strip())
    if errors:
        raise ValidationFailed(fields=errors)
    row.save()
    return row


def callback_keys_generate() -> dict[str, str]:
    """New random callback Token and EncodingAESKey, saved and shown once."""
    alphabet = string.ascii_letters + string.digits
    token = "".join(secrets.choice(alphabet) for _ in range(32))
    key = "".join(secrets.choice(alphabet) for _ in range(43))
    row = settings_row()
    row.token_sealed = secret_seal(token)
    row.aes_key_sealed = secret_seal(key)
    row.save()
    return {"token": token, "encoding_aes_key": key}


def connection_test() -> dict[str, Any]:
    """Fetch a fresh access token with the saved settings."""
    conn = connection()
    started = time.monotonic()
    if not (conn.corp_id and conn.secret and conn.agent_id):
        return {
            "ok": False,
            "message": _("请先填写企业ID、应用 AgentId 和 Secret"),
            "errcode": None,
            "elapsed_ms": 0,
        }
    try:
        with WeComClient(conn) as client:
            client.access_token(refresh=True)
    except WeComError as exc:
        return {
            "ok": False,
            "message": _("连接失败：%(code)s %(msg)s") % {"code": exc.errcode, "msg": exc.errmsg},
            "errcode": exc.errcode,
            "elapsed_ms": round((time.monotonic() - started) * 1000),
        }
    return {
        "ok": True,
        "message": _("连接成功，已取得 access_token"),
        "errcode": 0,
        "elapsed_ms": round((time.monotonic() - started) * 1000),
    }


def _require_api(conn: Connection) -> None:
    if not conn.can_call:
        raise DomainError(_("企业微信未启用或未配置"), code="wecom.disabled")


# --- incident group chats --------------------------------------------------------------------


def chat_members(ticket: Ticket, actor: User | None = None) -> list[User]:
    """The assignee, the group's first and second responsible (its leader and the leader of the
    group it escalates to), the requester's department head, and whoever opens the chat."""
    group = ticket.assignment_group
    people: list[User | None] = [
        actor,
        ticket.assignee,
        group.manager if group else None,
        group.escalation_group.manager if group and group.escalation_group else None,
        ticket.department.head if ticket.department_id and ticket.department else None,
    ]
    seen: dict[int, User] = {}
    for person in people:
        if person is not None and person.is_active and person.wecom_userid:
            seen.setdefault(person.pk, person)
    return list(seen.values())


def chat_create(*, ticket: Ticket, actor: User) -> GroupChat:
    from hitsm.servicedesk.selectors import ticket_can

    _require_api(connection())
    if not has_role(actor, *IT_STAFF) or not ticket_can(actor, "retrieve", ticket):
        raise Forbidden()
    if ticket.kind != TicketKind.INCIDENT:
        raise ValidationFailed(_("只有故障工单可以建群"), code="wecom.chat_incidents_only")
    with transaction.atomic():
        ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
        if GroupChat.objects.filter(ticket=ticket).exists():
            raise Conflict(_("该工单已有企业微信群"), code="wecom.chat_exists")
        members = chat_members(ticket, actor)
        if len(members) < 2:
            raise ValidationFailed(
                _("群成员不足两人：处理人、组长、科室负责人需已绑定企业微信账号"),
                code="wecom.chat_too_few",
            )
        userids = [m.wecom_userid or "" for m in members]
        owner = actor.wecom_userid or userids[0]
        chat = GroupChat.objects.create(
            ticket=ticket,
            chat_id=f"hitsm{ticket.pk}x{secrets.token_hex(4)}",
            name=f"{ticket.number} {ticket.title}"[:50],
            members=userids,
            created_by=actor,
        )
        row = outbox.queue(
            kind=OutboundKind.APPCHAT_CREATE,
            dedupe_key=f"chat-create:{chat.chat_id}",
            payload={"name": chat.name, "owner": owner},
            to_users=userids,
            chat_id=chat.chat_id,
            summary=chat.name,
            ticket=ticket,
        )
        chat_post(
            chat,
            f"【{ticket.number}】{ticket.title}\n优先级 P{ticket.priority}，报告人 {ticket.requester.name}。"
            f"\n工单详情：{messages.h5_link(f'/tickets/{ticket.pk}')}",
            key="opened",
        )
    if row is not None:  # create it now, so the person who asked sees the result
        outbox.deliver(outbound_id=row.pk)
    return chat


def chat_post(chat: GroupChat, content: str, *, key: str) -> OutboundMessage | None:
    _kind, payload = messages.text(content)
    return outbox.queue(
        kind=OutboundKind.APPCHAT_SEND,
        dedupe_key=f"chat:{chat.chat_id}:{key}",
        payload=payload,
        chat_id=chat.chat_id,
        summary=content[:200],
        ticket=chat.ticket,
    )


def chat_follow_event(event: TicketEvent) -> None:
    """A ticket's public events go to its group chat; a new assignee joins the chat."""
    chat = GroupChat.objects.filter(ticket_id=event.ticket_id).select_related("ticket").first()
    if chat is None:
        return
    ticket = chat.ticket
    if ticket.assignee_id and ticket.assignee and ticket.assignee.wecom_userid:
        userid = ticket.assignee.wecom_userid
        if userid not in chat.members:
            chat.members = [*chat.members, userid]
            chat.save(update_fields=["members"])
            outbox.queue(
                kind=OutboundKind.APPCHAT_UPDATE,
                dedupe_key=f"chat:{chat.chat_id}:add:{userid}",
                payload={"add_user_list": [userid]},
                chat_id=chat.chat_id,
                summary=f"加入群聊：{ticket.assignee.name}",
                ticket=ticket,
            )
    if not event.public:
        return
    body = f"【{ticket.number}】{event.actor_label}：{event.get_kind_display()}"
    if event.body:
        body += f"\n{event.body[:500]}"
    chat_post(chat, body, key=f"event:{event.pk}")


# --- WeCom login (OAuth2) and the JS-SDK -----------------------------------------------------


def oauth_url(*, state: str, redirect_uri: str) -> str:
    from urllib.parse import quote

    conn = connection()
    _require_api(conn)
    return (
        f"{conn.oauth_base_url.rstrip('/')}/connect/oauth2/authorize?appid={conn.corp_id}"
        f"&redirect_uri={quote(redirect_uri, safe='')}&response_type=code&scope=snsapi_base"
        f"&state={quote(state)}&agentid={conn.agent_id}#wechat_redirect"
    )


def oauth_user(*, code: str) -> tuple[str, User | None]:
    """The WeCom userid behind a single-use code, and our user bound to it."""
    conn = connection()
    _require_api(conn)
    if not code or len(code) > 512:
        raise ValidationFailed(_("缺少授权码"), code="wecom.no_code")
    try:
        with WeComClient(conn) as client:
            userid = client.user_from_code(code)
    except WeComError as exc:
        raise DomainError(
            _("企业微信授权失败（%(code)s）") % {"code": exc.errcode}, code="wecom.oauth_failed"
        ) from exc
    if not userid:
        raise DomainError(_("非企业成员不能登录"), code="wecom.not_member")
    return userid, User.objects.filter(wecom_userid=userid, is_active=True).first()


def _signature(ticket: str, nonce: str, timestamp: int, url: str) -> str:
    plain = f"jsapi_ticket={ticket}&noncestr={nonce}&timestamp={timestamp}&url={url}"
    return hashlib.sha1(plain.encode(), usedforsecurity=False).hexdigest()


def jssdk_signatures(*, url: str) -> dict[str, Any]:
    """Signatures for ``wx.config`` (corp) and ``wx.agentConfig`` (agent) for the page ``url``
    (without its #fragment), as the official JS-SDK asks for them."""
    conn = connection()
    _require_api(conn)
    url = url.split("#", 1)[0]
    if not url.startswith(settings.SITE_URL.rstrip("/") + "/"):
        raise ValidationFailed(_("页面地址不属于本站"), code="wecom.bad_url")
    timestamp = int(time.time())
    nonce = secrets.token_hex(8)
    with WeComClient(conn) as client:
        try:
            corp_ticket = client.jsapi_ticket(agent=False)
            agent_ticket = client.jsapi_ticket(agent=True)
        except WeComError as exc:
            raise DomainError(
                _("获取 JS-SDK 票据失败（%(code)s）") % {"code": exc.errcode},
                code="wecom.jsapi_failed",
            ) from exc
    return {
        "corp": {
            "appId": conn.corp_id,
            "timestamp": timestamp,
            "nonceStr": nonce,
            "signature": _signature(corp_ticket, nonce, timestamp, url),
        },
        "agent": {
            "corpid": conn.corp_id,
            "agentid": conn.agent_id,
            "timestamp": timestamp,
            "nonceStr": nonce,
            "signature": _signature(agent_ticket, nonce, timestamp, url),
        },
    }


# --- media uploaded through the JS-SDK -------------------------------------------------------

MEDIA_EXTENSIONS = {
    "image/jpeg": "jpg",
    "image/png": "png",
    "audio/amr": "amr",
    "audio/speex": "spx",
}


def media_attach(*, ticket: Ticket, actor: User, media_ids: list[str]) -> list[Any]:
    """Photos and voice taken in WeCom's browser (``chooseImage``/``startRecord`` then
    ``uploadImage``/``uploadVoice`` give a media id, valid three days): fetch each from WeCom
    and attach it to the ticket, with the same permission and file checks as an upload."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from hitsm.servicedesk.selectors import ticket_can
    from hitsm.servicedesk.services import ticket_attach
    from hitsm.wecom.client import WeComUnavailable

    conn = connection()
    _require_api(conn)
    if not ticket_can(actor, "attach", ticket):
        raise Forbidden()
    if not media_ids or len(media_ids) > 9:
        raise ValidationFailed(fields={"media_ids": [_("请提供 1–9 个媒体文件")]})
    files = []
    with WeComClient(conn) as client:
        for index, media_id in enumerate(media_ids, start=1):
            try:
                media = client.media_get(media_id)
            except WeComUnavailable as exc:
                raise DomainError(
                    _("企业微信暂时无法访问，请稍后重试"), code="wecom.unavailable", status=503
                ) from exc
            except WeComError as exc:
                raise ValidationFailed(
                    _("企业微信媒体文件无效或已过期（%(code)s）") % {"code": exc.errcode},
                    code="wecom.bad_media",
                ) from exc
            name = media.filename
            if "." not in name:
                name = f"wecom-{index}.{MEDIA_EXTENSIONS.get(media.content_type, 'bin')}"
            files.append(SimpleUploadedFile(name, media.content, content_type=media.content_type))
    return ticket_attach(ticket=ticket, actor=actor, files=files)


# --- WeCom as a notification channel ---------------------------------------------------------

TASK_KINDS = frozenset({"ticket.created", "ticket.assigned", "process.task"})
SURVEY_KINDS = frozenset({"survey.request", "survey.reminder"})


def _survey_card(notification: Any, ticket: Ticket | None) -> tuple[str, dict[str, Any]] | None:
    from hitsm.surveys.models import Survey, SurveyStatus

    survey = (
        Survey.objects.filter(ticket=ticket, status=SurveyStatus.PENDING)
        .select_related("ticket")
        .first()
        if ticket is not None
        else None
    )
    if survey is None:
        return None
    return messages.survey_card(survey=survey, task_id=f"survey-{survey.pk}-{notification.pk}")


def notification_send(notification: Any) -> None:
    """Hand a notification to the WeCom outbox and try it at once; the outbox retries."""
    user = notification.recipient
    if not user.wecom_userid:
        return
    ticket = Ticket.objects.filter(pk=notification.ticket_id).select_related("requester").first()
    if ticket is not None and notification.kind == "ticket.submitted" and ticket.channel == "wecom":
        return  # the conversation has just said so, with the ticket's number and link
    card = _survey_card(notification, ticket) if notification.kind in SURVEY_KINDS else None
    if card is not None:
        kind, payload = card
    elif (
        ticket is not None
        and notification.kind in TASK_KINDS
        and ticket.status in ("new", "accepted", "assigned")
    ):
        kind, payload = messages.task_card(
            ticket=ticket, title=notification.title, body=notification.body
        )
    else:
        path = f"/tickets/{ticket.pk}" if ticket is not None else "/"
        kind, payload = messages.textcard(
            notification.title, notification.body or notification.title, messages.h5_link(path)
        )
    row = outbox.queue(
        kind=kind,
        dedupe_key=f"notification:{notification.pk}",
        payload=payload,
        to_users=[user.wecom_userid],
        summary=notification.title,
        ticket=ticket,
    )
    if row is not None:
        outbox.deliver(outbound_id=row.pk)


class WeComTransport:
    """The notification outbox's WeCom channel (plugged in by ``WeComConfig.ready``)."""

    def send(self, notification: Any) -> None:
        notification_send(notification)
