"""Receiving WeCom's callbacks: verify, decrypt, store once, answer at once.

Nothing here downloads media, creates tickets or replies: WeCom gives up after 5 s and retries
three times, so the view only proves the callback is WeCom's, stores it (a retry of a stored
callback is a no-op) and queues the work (``hitsm.wecom.inbound``).
"""

from __future__ import annotations

import logging
import time
from typing import Any
from urllib.parse import unquote
from xml.etree.ElementTree import Element

from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException
from django.conf import settings
from django.db import IntegrityError, transaction

from hitsm.accounts.models import User
from hitsm.wecom.config import Connection
from hitsm.wecom.crypto import CryptoError, MessageCrypto
from hitsm.wecom.models import InboundMessage

logger = logging.getLogger(__name__)
MAX_BODY = 64 * 1024


class CallbackRejected(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        self.status = status
        self.code = code
        super().__init__(message)


def raw_query(query_string: str) -> dict[str, str]:
    """The query as WeCom sent it. Django's QueryDict turns a raw ``+`` into a space, which
    breaks a base64 ``echostr``; here only %-escapes are decoded."""
    values: dict[str, str] = {}
    for part in query_string.split("&"):
        name, _, value = part.partition("=")
        if name:
            values[unquote(name)] = unquote(value)
    return values


def _crypto(conn: Connection) -> MessageCrypto:
    if not conn.can_receive:
        raise CallbackRejected(503, "wecom.disabled", "WeCom callbacks are not configured")
    return MessageCrypto(conn.token, conn.aes_key, conn.corp_id)


def _fresh(timestamp: str) -> None:
    try:
        sent = int(timestamp)
    except ValueError as exc:
        raise CallbackRejected(400, "wecom.bad_timestamp", "timestamp is not a number") from exc
    if abs(time.time() - sent) > settings.WECOM_MAX_CLOCK_SKEW:
        raise CallbackRejected(403, "wecom.stale", "timestamp outside the allowed window")


def verify_url(conn: Connection, query: dict[str, str]) -> str:
    """GET: WeCom checks the callback URL; we answer the decrypted echostr, nothing else."""
    crypto = _crypto(conn)
    echostr = query.get("echostr", "")
    try:
        crypto.verify(
            query.get("msg_signature", ""),
            query.get("timestamp", ""),
            query.get("nonce", ""),
            echostr,
        )
        return crypto.decrypt(echostr).decode()
    except (CryptoError, UnicodeDecodeError) as exc:
        raise CallbackRejected(403, getattr(exc, "code", "wecom.bad_echostr"), str(exc)) from exc


def parse_xml(body: bytes) -> dict[str, Any]:
    """WeCom's flat XML as a dict; nested elements (a card event's SelectedItems) become
    dicts, repeated ones lists. DTDs, entities and external references are refused."""
    try:
        root = ElementTree.fromstring(body, forbid_dtd=True)
    except (DefusedXmlException, ElementTree.ParseError, ValueError) as exc:
        raise CallbackRejected(400, "wecom.bad_xml", f"malformed XML: {exc}") from exc
    value = _element(root)
    return value if isinstance(value, dict) else {}


def _element(node: Element) -> Any:
    children = list(node)
    if not children:
        return (node.text or "").strip()
    result: dict[str, Any] = {}
    for child in children:
        value = _element(child)
        if child.tag in result:
            if not isinstance(result[child.tag], list):
                result[child.tag] = [result[child.tag]]
            result[child.tag].append(value)
        else:
            result[child.tag] = value
    return result


def dedupe_key(message: dict[str, Any]) -> str:
    if message.get("MsgId"):
        return f"msg:{message['MsgId']}"
    return ":".join(
        [
            "event",
            str(message.get("FromUserName", "")),
            str(message.get("CreateTime", "")),
            str(message.get("Event", "")),
            str(message.get("EventKey", "")),
            str(message.get("TaskId", "")),
        ]
    )[:200]


def receive(conn: Connection, query: dict[str, str], body: bytes) -> InboundMessage | None:
    """POST: the stored message, or None when it is a retry of one already stored."""
    if len(body) > MAX_BODY:
        raise CallbackRejected(413, "wecom.too_large", "body over 64 KB")
    crypto = _crypto(conn)
    timestamp = query.get("timestamp", "")
    _fresh(timestamp)
    envelope = parse_xml(body)
    encrypted = envelope.get("Encrypt")
    if not isinstance(encrypted, str) or not encrypted:
        raise CallbackRejected(400, "wecom.no_encrypt", "no Encrypt element")
    try:
        crypto.verify(query.get("msg_signature", ""), timestamp, query.get("nonce", ""), encrypted)
        plain = crypto.decrypt(encrypted)
    except CryptoError as exc:
        raise CallbackRejected(403, exc.code, str(exc)) from exc
    message = parse_xml(plain)
    sender = str(message.get("FromUserName", ""))[:64]
    if not sender or not message.get("MsgType"):
        raise CallbackRejected(400, "wecom.bad_message", "no sender or message type")
    row = InboundMessage(
        dedupe_key=dedupe_key(message),
        from_user=sender,
        user=User.objects.filter(wecom_userid=sender, is_active=True).first(),
        msg_type=str(message.get("MsgType", ""))[:30],
        event=str(message.get("Event", ""))[:60],
        create_time=_int(message.get("CreateTime")),
        payload=message,
    )
    try:
        with transaction.atomic():
            row.save(force_insert=True)
    except IntegrityError:
        return None
    transaction.on_commit(lambda: _enqueue(row.pk))
    return row


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def _enqueue(pk: int) -> None:
    from hitsm.wecom.tasks import process_inbound

    try:
        process_inbound.delay(pk)
    except Exception:  # the broker is down: the periodic dispatcher will pick it up
        logger.warning("could not queue WeCom message %s; the dispatcher will retry", pk)
