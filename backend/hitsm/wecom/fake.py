"""A fake WeCom (企业微信) server for tests and local demos, written from Tencent's published API.

It answers the ``/cgi-bin/`` calls our client makes the way WeCom does: always HTTP 200 with
``{"errcode": ..., "errmsg": ...}`` (only a successful ``media/get`` answers bytes), the same error
codes, single-use OAuth codes and template-card response codes, the same token returned while it
is valid. It also plays WeCom's other half: it encrypts, signs and pushes callback messages to our
callback URL and retries like WeCom when the answer is not a timely HTTP 200.

Everything runs in memory in one ``ThreadingHTTPServer`` thread bound to 127.0.0.1. Tests drive it
through Python (``fail_next``, ``expire_tokens``, ``push`` ...); a demo or a browser test that runs
it as a process (``manage.py wecom_fake``) drives it through the loopback-only ``/fake/`` endpoints.

Where the documentation does not name an error code, the choice is written next to it in ERRMSG.
Times use the wall clock (``time.time``) so that time-machine moves the fake with the client.
"""

from __future__ import annotations

import copy
import email.parser
import hashlib
import ipaddress
import itertools
import json
import logging
import mimetypes
import re
import secrets
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, NamedTuple, cast
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

import httpx
from defusedxml import ElementTree

from hitsm.wecom.crypto import CryptoError, MessageCrypto

logger = logging.getLogger(__name__)

# Demo defaults, not secrets: the fake only ever runs on loopback.
DEFAULT_CORP_ID = "wwfake0000000001"
DEFAULT_SECRET = "fake-agent-secret"  # noqa: S105
DEFAULT_AGENT_ID = 1000002
DEFAULT_TOKEN = "faketoken"  # noqa: S105
DEFAULT_AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"  # Tencent's sample key

TOKEN_TTL = 7200  # access_token and jsapi tickets
OAUTH_CODE_TTL = 300  # "code只能使用一次，5分钟未被使用自动过期"
RESPONSE_CODE_TTL = 72 * 3600  # template card response_code: 72 h, usable once
PUSH_TIMEOUT = 5.0  # WeCom waits 5 s for the callback's answer ...
PUSH_RETRIES = 3  # ... and then retries up to three times

ERRMSG: dict[int, str] = {
    -1: "system busy",
    40001: "invalid credential",  # wrong corpsecret
    40005: "invalid media type",  # media/upload ?type= not image|voice|video|file
    40007: "invalid media_id",
    40008: "invalid message type",
    40013: "invalid corpid",
    40014: "invalid access_token",
    40029: "invalid code",  # OAuth code unknown, used or expired
    40056: "invalid agentid",
    # "invalid parameter": our pick for a bad/used/expired template-card response_code, a
    # duplicate task_id and other malformed fields WeCom documents no own code for.
    40058: "invalid parameter",
    41001: "access_token missing",
    41002: "corpid missing",
    41004: "corpsecret missing",
    41006: "media_id missing",
    41010: "url missing",
    41011: "agentid missing",
    41016: "title missing",
    41033: "description missing",
    42001: "access_token expired",
    44001: "empty media data",
    44004: "empty content",
    45008: "article size out of limit",
    45009: "api freq out of limit",
    45033: "api concurrent out of limit",
    47001: "data format error",  # body is not a JSON object
    60111: "userid not found",
    81013: "user & party & tag all invalid",
    86001: "invalid chatid",
    86003: "chatid not found",
    86005: "invalid chat owner",
    86006: "invalid chat member count",  # fewer than 2 or more than 2000 members
    86007: "invalid chat member",  # our pick for unknown userids in appchat create/update
    86215: "chatid exists",
    91040: "invalid ticket type",
}

APPCHAT_TYPES = frozenset(
    {"text", "markdown", "textcard", "image", "voice", "video", "file", "news", "mpnews"}
)
MESSAGE_TYPES = APPCHAT_TYPES | {"template_card"}
INTERACTIVE_CARDS = frozenset({"button_interaction", "vote_interaction", "multiple_interaction"})
CARD_TYPES = INTERACTIVE_CARDS | {"text_notice", "news_notice"}
MEDIA_TYPES = ("image", "voice", "video", "file")
DEFAULT_CONTENT_TYPE = {
    "image": "image/jpeg",
    "voice": "audio/amr",
    "video": "video/mp4",
    "file": "application/octet-stream",
}
_CHATID = re.compile(r"^[0-9A-Za-z]{1,32}$")


class WeComError(Exception):
    """Raised inside a handler: becomes ``{"errcode": code, "errmsg": ...}`` with HTTP 200."""

    def __init__(self, errcode: int, errmsg: str | None = None) -> None:
        self.errcode = errcode
        self.errmsg = errmsg or ERRMSG.get(errcode, "error")
        super().__init__(f"{errcode} {self.errmsg}")


class Call(NamedTuple):
    """One recorded request: ``(method, path, query, json)``."""

    method: str
    path: str
    query: dict[str, str]
    json: Any  # the parsed JSON body, or None


@dataclass
class FakeUser:
    userid: str
    name: str
    department: list[int] = field(default_factory=lambda: [1])


@dataclass
class SentMessage:
    """A message the app sent: ``message/send`` (touser set) or ``appchat/send`` (chatid set)."""

    msgid: str
    msgtype: str
    body: dict[str, Any]
    touser: list[str] = field(default_factory=list)  # the members it reached
    invaliduser: list[str] = field(default_factory=list)
    chatid: str | None = None
    response_code: str | None = None

    @property
    def content(self) -> str | None:
        part = self.body.get(self.msgtype)
        return part.get("content") if isinstance(part, dict) else None


@dataclass
class TemplateCard:
    """A sent template card; ``replace_name`` is set when an update greyed its buttons."""

    msgid: str
    task_id: str
    card_type: str
    userids: list[str]
    card: dict[str, Any]
    replace_name: str | None = None
    updates: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class ResponseCode:
    card: TemplateCard
    expires_at: float
    used: bool = False


@dataclass
class Media:
    media_id: str
    type: str
    data: bytes
    content_type: str
    filename: str
    created_at: int


@dataclass
class GroupChat:
    chatid: str
    name: str
    owner: str
    userlist: list[str]


@dataclass
class OAuthCode:
    userid: str
    scope: str
    expires_at: float


@dataclass
class PushResult:
    """One callback push and its retries; lists hold one entry per attempt."""

    url: str
    timestamp: str
    nonce: str
    msg_signature: str
    encrypt: str
    envelope: str
    status_codes: list[int | None] = field(default_factory=list)  # None: timeout/no connection
    bodies: list[str] = field(default_factory=list)
    durations: list[float] = field(default_factory=list)
    errors: list[str | None] = field(default_factory=list)
    reply: str | None = None  # the decrypted passive reply, when the answer was one
    reply_error: str | None = None

    @property
    def attempts(self) -> int:
        return len(self.status_codes)

    @property
    def ok(self) -> bool:
        return bool(self.status_codes) and self.status_codes[-1] == 200

    @property
    def body(self) -> str:
        return self.bodies[-1] if self.bodies else ""

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "attempts": self.attempts, "ok": self.ok}


@dataclass
class _Fault:
    remaining: int
    errcode: int = 0
    errmsg: str = ""
    http_status: int = 200
    seconds: float = 0.0


@dataclass
class _Request:
    method: str
    path: str
    query: dict[str, str]
    headers: Mapping[str, str]
    body: bytes

    def json(self) -> dict[str, Any]:
        try:
            data = json.loads(self.body or b"null")
        except ValueError:
            data = None
        if not isinstance(data, dict):
            raise WeComError(47001, "data format error, hint: wrong json format")
        return data


@dataclass
class _Reply:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)


def _json_reply(data: Mapping[str, Any], status: int = 200) -> _Reply:
    return _Reply(
        status,
        json.dumps(data, ensure_ascii=False).encode(),
        {"Content-Type": "application/json; charset=UTF-8"},
    )


def _ok(**data: Any) -> _Reply:
    return _json_reply({"errcode": 0, "errmsg": "ok", **data})


def _cdata(value: str) -> str:
    return "<![CDATA[" + value.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def _xml(fields: Sequence[tuple[str, object]]) -> str:
    """``<xml>`` with one element per field: ints bare, str in CDATA, ``_Raw`` as given."""
    parts = ["<xml>"]
    for name, value in fields:
        if isinstance(value, _Raw):
            inner = value.xml
        elif isinstance(value, int):
            inner = str(value)
        else:
            inner = _cdata(str(value))
        parts.append(f"<{name}>{inner}</{name}>")
    parts.append("</xml>")
    return "".join(parts)


@dataclass(frozen=True)
class _Raw:
    xml: str


def _with_query(url: str, params: Mapping[str, str]) -> str:
    parts = urlsplit(url)
    query = "&".join(q for q in (parts.query, urlencode(params, quote_via=quote)) if q)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, parts.fragment))


def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return host == "localhost"


def _multipart_files(content_type: str, body: bytes) -> dict[str, tuple[bytes, str, str]]:
    """The file parts of a multipart/form-data body: name → (data, filename, content type)."""
    header = email.parser.HeaderParser().parsestr(f"Content-Type: {content_type}\n\n")
    boundary = header.get_param("boundary")
    if not isinstance(boundary, str) or not boundary:
        return {}
    files: dict[str, tuple[bytes, str, str]] = {}
    for chunk in body.split(b"--" + boundary.encode())[1:]:
        if chunk.startswith(b"--"):
            break
        head, _, data = chunk.partition(b"\r\n\r\n")
        if data.endswith(b"\r\n"):
            data = data[:-2]
        part = email.parser.HeaderParser().parsestr(head.decode("utf-8", "replace").strip())
        name = part.get_param("name", header="content-disposition")
        if isinstance(name, str):
            files[name] = (data, part.get_filename() or "", part.get_content_type())
    return files


def _split_ids(value: object) -> list[str]:
    if isinstance(value, list):
        return [str(v) for v in value if str(v)]
    return [v for v in str(value or "").split("|") if v]


class FakeWeCom:
    """An in-memory WeCom for one self-built app (自建应用). Use ``with FakeWeCom() as fake:``."""

    def __init__(
        self,
        *,
        corp_id: str = DEFAULT_CORP_ID,
        secret: str = DEFAULT_SECRET,
        agent_id: int = DEFAULT_AGENT_ID,
        token: str = DEFAULT_TOKEN,
        encoding_aes_key: str = DEFAULT_AES_KEY,
        callback_url: str | None = None,
        users: Mapping[str, str] | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        push_timeout: float = PUSH_TIMEOUT,
        push_retries: int = PUSH_RETRIES,
        push_retry_delay: float = 0.0,
    ) -> None:
        if not _is_loopback(host):
            raise ValueError("the fake WeCom binds to loopback only")
        self.corp_id = corp_id
        self.secret = secret
        self.agent_id = int(agent_id)
        self.token = token
        self.encoding_aes_key = encoding_aes_key
        self.crypto = MessageCrypto(token, encoding_aes_key, corp_id)
        self.callback_url = callback_url
        self.host = host
        self.port = port
        self.push_timeout = push_timeout
        self.push_retries = push_retries
        self.push_retry_delay = push_retry_delay

        self.lock = threading.RLock()
        self.users: dict[str, FakeUser] = {}
        self.tokens: dict[str, float] = {}  # access_token → expiry (epoch seconds)
        self.media: dict[str, Media] = {}
        self.messages: list[SentMessage] = []
        self.response_codes: dict[str, ResponseCode] = {}
        self.cards_by_task: dict[str, TemplateCard] = {}
        self.chats: dict[str, GroupChat] = {}
        self.oauth_codes: dict[str, OAuthCode] = {}
        self.tickets: dict[str, tuple[str, float]] = {}  # ticket → (kind, expiry)
        self.calls: list[Call] = []
        self.pushes: list[PushResult] = []
        self.browser_user: str | None = None
        self._faults: dict[str, list[_Fault]] = {}
        self._delays: dict[str, list[_Fault]] = {}
        self._msg_ids = itertools.count(secrets.randbelow(2**61) + 2**61)  # unique across runs
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        for userid, name in (users or {}).items():
            self.add_user(userid, name)

        get, post = "GET", "POST"
        self._routes: dict[tuple[str, str], tuple[Callable[[_Request], _Reply], bool]] = {
            (get, "/cgi-bin/gettoken"): (self._gettoken, False),
            (post, "/cgi-bin/message/send"): (self._message_send, True),
            (post, "/cgi-bin/message/update_template_card"): (self._update_card, True),
            (post, "/cgi-bin/media/upload"): (self._media_upload, True),
            (get, "/cgi-bin/media/get"): (self._media_get, True),
            (post, "/cgi-bin/appchat/create"): (self._appchat_create, True),
            (post, "/cgi-bin/appchat/update"): (self._appchat_update, True),
            (get, "/cgi-bin/appchat/get"): (self._appchat_get, True),
            (post, "/cgi-bin/appchat/send"): (self._appchat_send, True),
            (get, "/cgi-bin/auth/getuserinfo"): (self._getuserinfo, True),
            (get, "/cgi-bin/user/getuserinfo"): (self._getuserinfo_legacy, True),
            (get, "/cgi-bin/user/get"): (self._user_get, True),
            (get, "/cgi-bin/get_jsapi_ticket"): (self._jsapi_ticket, True),
            (get, "/cgi-bin/ticket/get"): (self._agent_ticket, True),
            (get, "/connect/oauth2/authorize"): (self._authorize, False),
        }

    # -- lifecycle -------------------------------------------------------------------------

    def start(self) -> FakeWeCom:
        server = _Server((self.host, self.port), _Handler)
        server.fake = self
        self._server = server
        self.port = server.server_address[1]
        self._thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"fake-wecom-{self.port}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> FakeWeCom:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        """The API base (``https://qyapi.weixin.qq.com`` in production) and the OAuth base."""
        return f"http://{self.host}:{self.port}"

    # -- controls ----------------------------------------------------------------------------

    def add_user(
        self, userid: str, name: str | None = None, department: Sequence[int] = (1,)
    ) -> None:
        with self.lock:
            self.users[userid] = FakeUser(userid, name or userid, list(department))

    def expire_tokens(self) -> None:
        """Make every access_token issued so far answer 42001."""
        with self.lock:
            now = time.time()
            for token in self.tokens:
                self.tokens[token] = min(self.tokens[token], now - 1)

    def fail_next(
        self,
        path: str,
        errcode: int,
        times: int = 1,
        errmsg: str | None = None,
        *,
        http_status: int = 200,
    ) -> None:
        """The next ``times`` calls to ``path`` answer ``errcode`` (checked before the token)."""
        fault = _Fault(times, errcode, errmsg or ERRMSG.get(errcode, "error"), http_status)
        with self.lock:
            self._faults.setdefault(self._api_path(path), []).append(fault)

    def delay_next(self, path: str, seconds: float, times: int = 1) -> None:
        """The next ``times`` calls to ``path`` answer ``seconds`` late."""
        with self.lock:
            self._delays.setdefault(self._api_path(path), []).append(_Fault(times, seconds=seconds))

    def add_media(
        self, data: bytes, content_type: str, filename: str, media_type: str | None = None
    ) -> str:
        """Store a file as if uploaded (or as if a user had sent it) and return its media_id."""
        if media_type is None:
            major = content_type.split("/")[0]
            media_type = {"image": "image", "audio": "voice", "video": "video"}.get(major, "file")
        media_id = secrets.token_urlsafe(40)
        with self.lock:
            self.media[media_id] = Media(
                media_id, media_type, data, content_type, filename, int(time.time())
            )
        return media_id

    def issue_oauth_code(self, userid: str, scope: str = "snsapi_base") -> str:
        """A code ``auth/getuserinfo`` exchanges once for ``userid`` (a non-member gets openid)."""
        code = secrets.token_urlsafe(32)
        with self.lock:
            self.oauth_codes[code] = OAuthCode(userid, scope, time.time() + OAUTH_CODE_TTL)
        return code

    def set_browser_user(self, userid: str | None) -> None:
        """Who ``/connect/oauth2/authorize`` signs in (the user in the WeCom client)."""
        with self.lock:
            self.browser_user = userid

    def calls_to(self, path: str) -> list[Call]:
        path = self._api_path(path)
        with self.lock:
            return [call for call in self.calls if call.path == path]

    def messages_to(self, userid: str) -> list[SentMessage]:
        with self.lock:
            return [m for m in self.messages if userid in m.touser]

    def card(self, task_id: str) -> TemplateCard | None:
        with self.lock:
            return self.cards_by_task.get(task_id)

    @property
    def cards(self) -> dict[str, TemplateCard]:
        """response_code → card (several codes may name one card)."""
        with self.lock:
            return {code: rc.card for code, rc in self.response_codes.items()}

    def issue_response_code(self, task_id: str) -> str:
        """A fresh single-use response_code for a sent card, as each card click carries."""
        code = secrets.token_urlsafe(32)
        with self.lock:
            card = self.cards_by_task[task_id]
            self.response_codes[code] = ResponseCode(card, time.time() + RESPONSE_CODE_TTL)
        return code

    @staticmethod
    def jsapi_signature(ticket: str, noncestr: str, timestamp: str | int, url: str) -> str:
        """The JS-SDK signature a page must present, to check what our client computes."""
        raw = f"jsapi_ticket={ticket}&noncestr={noncestr}&timestamp={timestamp}&url={url}"
        return hashlib.sha1(raw.encode(), usedforsecurity=False).hexdigest()

    # -- callback messages (what a member does in the app) ------------------------------------

    def _message(
        self, from_user: str, msg_type: str, create_time: int | None
    ) -> list[tuple[str, object]]:
        return [
            ("ToUserName", self.corp_id),
            ("FromUserName", from_user),
            ("CreateTime", int(create_time if create_time is not None else time.time())),
            ("MsgType", msg_type),
        ]

    def _msg_id(self, msg_id: int | str | None) -> int:
        return int(msg_id) if msg_id is not None else next(self._msg_ids)

    def text_message(
        self,
        from_user: str,
        content: str,
        msg_id: int | str | None = None,
        create_time: int | None = None,
    ) -> str:
        fields = self._message(from_user, "text", create_time)
        fields += [("Content", content), ("MsgId", self._msg_id(msg_id))]
        return _xml([*fields, ("AgentID", self.agent_id)])

    def image_message(
        self,
        from_user: str,
        media_id: str,
        pic_url: str | None = None,
        msg_id: int | str | None = None,
    ) -> str:
        fields = self._message(from_user, "image", None)
        fields += [("PicUrl", pic_url or f"{self.base_url}/fake/media/{media_id}")]
        fields += [("MediaId", media_id), ("MsgId", self._msg_id(msg_id))]
        return _xml([*fields, ("AgentID", self.agent_id)])

    def voice_message(
        self,
        from_user: str,
        media_id: str,
        format: str = "amr",
        msg_id: int | str | None = None,
    ) -> str:
        fields = self._message(from_user, "voice", None)
        fields += [("MediaId", media_id), ("Format", format), ("MsgId", self._msg_id(msg_id))]
        return _xml([*fields, ("AgentID", self.agent_id)])

    def event_message(
        self, from_user: str, event: str, event_key: str = "", **extra: str | int
    ) -> str:
        """An event: ``click`` (menu, event_key = the menu key), ``enter_agent``, ``view`` ..."""
        fields = self._message(from_user, "event", None)
        fields += [("AgentID", self.agent_id), ("Event", event), ("EventKey", event_key)]
        return _xml([*fields, *extra.items()])

    def template_card_event(
        self,
        from_user: str,
        event_key: str,
        task_id: str,
        card_type: str,
        selected_items: Mapping[str, Sequence[str]] | None = None,
        response_code: str | None = None,
    ) -> str:
        """A click on a card button (or a vote/choice submit). Without ``response_code`` a fresh
        single-use one is issued for the sent card with this task_id, as WeCom does per click."""
        if response_code is None:
            known = self.card(task_id) is not None
            response_code = (
                self.issue_response_code(task_id) if known else secrets.token_urlsafe(32)
            )
        fields = self._message(from_user, "event", None)
        fields += [("Event", "template_card_event"), ("EventKey", event_key)]
        fields += [("TaskId", task_id), ("CardType", card_type)]
        fields += [("ResponseCode", response_code), ("AgentID", self.agent_id)]
        if selected_items:
            items = "".join(
                "<SelectedItem>"
                f"<QuestionKey>{_cdata(key)}</QuestionKey><OptionIds>"
                + "".join(f"<OptionId>{_cdata(option)}</OptionId>" for option in options)
                + "</OptionIds></SelectedItem>"
                for key, options in selected_items.items()
            )
            fields.append(("SelectedItems", _Raw(items)))
        return _xml(fields)

    # -- the callback pusher -----------------------------------------------------------------

    def envelope(self, encrypted: str) -> str:
        """The XML WeCom POSTs to the callback URL around the ciphertext."""
        return _xml(
            [("ToUserName", self.corp_id), ("Encrypt", encrypted), ("AgentID", str(self.agent_id))]
        )

    def push(
        self,
        xml: str | bytes,
        *,
        callback_url: str | None = None,
        timestamp: str | None = None,
        nonce: str | None = None,
    ) -> PushResult:
        """Encrypt, sign and POST ``xml`` to the callback; retry like WeCom on non-200/timeout."""
        url = callback_url or self.callback_url
        if not url:
            raise ValueError("no callback_url: pass one or give it to FakeWeCom()")
        plain = xml.encode() if isinstance(xml, str) else xml
        timestamp = timestamp or str(int(time.time()))
        nonce = nonce or str(secrets.randbelow(9_000_000_000) + 1_000_000_000)
        encrypted, msg_signature = self.crypto.seal(plain, timestamp=timestamp, nonce=nonce)
        envelope = self.envelope(encrypted)
        target = _with_query(
            url, {"msg_signature": msg_signature, "timestamp": timestamp, "nonce": nonce}
        )
        result = PushResult(url, timestamp, nonce, msg_signature, encrypted, envelope)
        with httpx.Client(timeout=self.push_timeout, trust_env=False) as client:
            for attempt in range(1 + self.push_retries):
                if attempt and self.push_retry_delay:
                    time.sleep(self.push_retry_delay)
                started = time.monotonic()
                status: int | None = None
                body, error = "", None
                try:
                    response = client.post(
                        target,
                        content=envelope.encode(),
                        headers={"Content-Type": "text/xml; charset=utf-8"},
                    )
                    status, body = response.status_code, response.text
                except httpx.TimeoutException as exc:
                    error = f"timeout: {exc!r}"
                except httpx.TransportError as exc:
                    error = f"transport: {exc!r}"
                result.status_codes.append(status)
                result.bodies.append(body)
                result.durations.append(time.monotonic() - started)
                result.errors.append(error)
                if status == 200:
                    break
        if result.ok:
            result.reply, result.reply_error = self.open_reply(result.body)
        with self.lock:
            self.pushes.append(result)
        return result

    def push_text(self, from_user: str, content: str, **kwargs: Any) -> PushResult:
        return self.push(self.text_message(from_user, content), **kwargs)

    def open_reply(self, body: str) -> tuple[str | None, str | None]:
        """Decrypt a passive reply (``<xml><Encrypt>…<MsgSignature>…``): (xml, error)."""
        if not body.lstrip().startswith("<"):
            return None, None
        try:
            root = ElementTree.fromstring(body)
            fields = {child.tag: (child.text or "") for child in root}
            self.crypto.verify(
                fields.get("MsgSignature", ""),
                fields.get("TimeStamp", ""),
                fields.get("Nonce", ""),
                fields.get("Encrypt", ""),
            )
            return self.crypto.decrypt(fields.get("Encrypt", "")).decode(), None
        except (ElementTree.ParseError, CryptoError, UnicodeDecodeError) as exc:
            return None, str(exc) or type(exc).__name__

    def verify_url(self, callback_url: str | None = None, *, echostr: str | None = None) -> str:
        """WeCom's URL check: GET with an encrypted, signed echostr; returns the answer's body,
        which must be the plain echostr."""
        url = callback_url or self.callback_url
        if not url:
            raise ValueError("no callback_url: pass one or give it to FakeWeCom()")
        timestamp, nonce = str(int(time.time())), str(secrets.randbelow(10**9))
        encrypted, msg_signature = self.crypto.seal(
            (echostr or secrets.token_hex(8)).encode(), timestamp=timestamp, nonce=nonce
        )
        params = {
            "msg_signature": msg_signature,
            "timestamp": timestamp,
            "nonce": nonce,
            "echostr": encrypted,
        }
        with httpx.Client(timeout=self.push_timeout, trust_env=False) as client:
            return client.get(_with_query(url, params)).text

    # -- request handling --------------------------------------------------------------------

    @staticmethod
    def _api_path(path: str) -> str:
        return path if path.startswith("/") else "/cgi-bin/" + path

    @staticmethod
    def _take(faults: dict[str, list[_Fault]], path: str) -> _Fault | None:
        queue = faults.get(path)
        if not queue:
            return None
        fault = queue[0]
        fault.remaining -= 1
        if fault.remaining <= 0:
            queue.pop(0)
        return fault

    def handle(self, request: _Request) -> _Reply:
        """Answer one /cgi-bin/ (or /connect/) request; called on the server's threads."""
        payload: Any = None
        if request.body and "multipart" not in request.headers.get("content-type", ""):
            try:
                payload = json.loads(request.body)
            except ValueError:
                payload = None
        with self.lock:
            self.calls.append(Call(request.method, request.path, request.query, payload))
            delay = self._take(self._delays, request.path)
            fault = self._take(self._faults, request.path)
        if delay is not None:
            time.sleep(delay.seconds)
        if fault is not None:
            reply = _json_reply({"errcode": fault.errcode, "errmsg": fault.errmsg})
            reply.status = fault.http_status
            return reply
        route = self._routes.get((request.method, request.path))
        if route is None:
            known = any(path == request.path for _, path in self._routes)
            status = 405 if known else 404
            return _json_reply({"errcode": -1, "errmsg": f"fake: no {request.method} here"}, status)
        handler, needs_token = route
        try:
            with self.lock:
                if needs_token:
                    self._check_token(request.query.get("access_token", ""))
                return handler(request)
        except WeComError as exc:
            return _json_reply({"errcode": exc.errcode, "errmsg": exc.errmsg})

    def _check_token(self, token: str) -> None:
        if not token:
            raise WeComError(41001)
        expires_at = self.tokens.get(token)
        if expires_at is None:
            raise WeComError(40014)
        if expires_at <= time.time():
            raise WeComError(42001)

    def _check_agent(self, body: Mapping[str, Any]) -> None:
        agentid = body.get("agentid")
        if agentid in (None, ""):
            raise WeComError(41011)
        if str(agentid) != str(self.agent_id):
            raise WeComError(40056)

    # gettoken: while a token is valid WeCom hands out the same one ("有效期内重复获取返回相同结果").
    def _gettoken(self, request: _Request) -> _Reply:
        corpid, secret = request.query.get("corpid", ""), request.query.get("corpsecret", "")
        if not corpid:
            raise WeComError(41002)
        if corpid != self.corp_id:
            raise WeComError(40013)
        if not secret:
            raise WeComError(41004)
        if secret != self.secret:
            raise WeComError(40001)
        now = time.time()
        for token, expires_at in self.tokens.items():
            if expires_at > now:
                return _ok(access_token=token, expires_in=int(expires_at - now))
        token = secrets.token_urlsafe(96)
        self.tokens[token] = now + TOKEN_TTL
        return _ok(access_token=token, expires_in=TOKEN_TTL)

    def _check_content(self, body: Mapping[str, Any], msgtype: str) -> None:
        part = body.get(msgtype)
        if not isinstance(part, dict):
            part = {}
        if msgtype in ("text", "markdown") and not part.get("content"):
            raise WeComError(44004)
        if msgtype == "textcard":
            for key, errcode in (("title", 41016), ("description", 41033), ("url", 41010)):
                if not part.get(key):
                    raise WeComError(errcode)
        if msgtype in MEDIA_TYPES:
            if not part.get("media_id"):
                raise WeComError(41006)
            if part["media_id"] not in self.media:
                raise WeComError(40007)
        if msgtype in ("news", "mpnews"):
            articles = part.get("articles")
            if not isinstance(articles, list) or not articles:
                raise WeComError(40058, "invalid parameter, hint: articles missing")
            if len(articles) > 8:
                raise WeComError(45008)
            if not all(isinstance(a, dict) and a.get("title") for a in articles):
                raise WeComError(41016)
        if msgtype == "template_card":
            if part.get("card_type") not in CARD_TYPES:
                raise WeComError(40058, "invalid parameter, hint: template_card.card_type")
            if part["card_type"] in INTERACTIVE_CARDS:
                task_id = part.get("task_id")
                if not task_id:
                    raise WeComError(40058, "invalid parameter, hint: template_card.task_id")
                if task_id in self.cards_by_task:
                    raise WeComError(40058, "invalid parameter, hint: task_id exists")

    def _message_send(self, request: _Request) -> _Reply:
        body = request.json()
        self._check_agent(body)
        msgtype = body.get("msgtype")
        if msgtype not in MESSAGE_TYPES:
            raise WeComError(40008)
        self._check_content(body, msgtype)
        touser = str(body.get("touser") or "")
        if touser == "@all":
            reached, invaliduser = list(self.users), []
        else:
            ids = _split_ids(touser)
            reached = [u for u in ids if u in self.users]
            invaliduser = [u for u in ids if u not in self.users]
        # Department 1 is the root and reaches everyone; the fake has no department tree.
        parties = _split_ids(body.get("toparty"))
        departments = {1} | {d for user in self.users.values() for d in user.department}
        invalidparty = [p for p in parties if not p.isdigit() or int(p) not in departments]
        for party in set(parties) - set(invalidparty):
            reached += [
                u.userid
                for u in self.users.values()
                if int(party) == 1 or int(party) in u.department
            ]
        invalidtag = _split_ids(body.get("totag"))  # the fake knows no tags
        reached = list(dict.fromkeys(reached))
        if not reached and len(invalidparty) == len(parties):
            raise WeComError(81013)
        msgid = secrets.token_urlsafe(24)
        extra: dict[str, Any] = {}
        for key, ids in (
            ("invaliduser", invaliduser),
            ("invalidparty", invalidparty),
            ("invalidtag", invalidtag),
        ):
            if ids:
                extra[key] = "|".join(ids)
        message = SentMessage(msgid, msgtype, copy.deepcopy(body), reached, invaliduser)
        if msgtype == "template_card" and body["template_card"]["card_type"] in INTERACTIVE_CARDS:
            part = body["template_card"]
            card = TemplateCard(
                msgid, part["task_id"], part["card_type"], reached, copy.deepcopy(part)
            )
            self.cards_by_task[card.task_id] = card
            code = secrets.token_urlsafe(32)
            self.response_codes[code] = ResponseCode(card, time.time() + RESPONSE_CODE_TTL)
            message.response_code = extra["response_code"] = code
        self.messages.append(message)
        return _ok(**extra, msgid=msgid)

    def _update_card(self, request: _Request) -> _Reply:
        body = request.json()
        self._check_agent(body)
        state = self.response_codes.get(str(body.get("response_code") or ""))
        if state is None or state.used or state.expires_at <= time.time():
            raise WeComError(40058, "invalid parameter, hint: invalid response_code")
        userids = _split_ids(body.get("userids"))
        targets = body.get("atall") or body.get("partyids") or body.get("tagids")
        if not targets and not any(u in self.users for u in userids):
            raise WeComError(81013)
        card = state.card
        button, new_card = body.get("button"), body.get("template_card")
        if isinstance(button, dict) and button.get("replace_name"):
            card.replace_name = str(button["replace_name"])
        elif isinstance(new_card, dict) and new_card.get("card_type") in CARD_TYPES:
            card.card = copy.deepcopy(new_card)
            card.card_type = new_card["card_type"]
            card.replace_name = None
        else:
            raise WeComError(40058, "invalid parameter, hint: button.replace_name or template_card")
        state.used = True
        card.updates.append(copy.deepcopy(body))
        return _ok(invaliduser=[u for u in userids if u not in self.users])

    def _media_upload(self, request: _Request) -> _Reply:
        media_type = request.query.get("type", "")
        if media_type not in MEDIA_TYPES:
            raise WeComError(40005)
        files = _multipart_files(request.headers.get("content-type", ""), request.body)
        data, filename, content_type = files.get("media", (b"", "", ""))
        if not data:
            raise WeComError(44001)
        if content_type in ("", "application/octet-stream", "text/plain"):
            guessed = mimetypes.guess_type(filename)[0]
            content_type = guessed or DEFAULT_CONTENT_TYPE[media_type]
        media_id = self.add_media(data, content_type, filename or "media", media_type)
        created_at = str(self.media[media_id].created_at)
        return _ok(type=media_type, media_id=media_id, created_at=created_at)

    def _media_get(self, request: _Request) -> _Reply:
        media_id = request.query.get("media_id", "")
        if not media_id:
            raise WeComError(41006)
        media = self.media.get(media_id)
        if media is None:
            raise WeComError(40007)
        return self._media_reply(media)

    @staticmethod
    def _media_reply(media: Media) -> _Reply:
        filename = media.filename.replace('"', "")
        return _Reply(
            200,
            media.data,
            {
                "Content-Type": media.content_type,
                "Content-disposition": f'attachment; filename="{filename}"',
            },
        )

    def _check_members(self, userids: Sequence[str]) -> None:
        if any(u not in self.users for u in userids):
            raise WeComError(86007)

    def _appchat_create(self, request: _Request) -> _Reply:
        body = request.json()
        userlist = body.get("userlist")
        if not isinstance(userlist, list):
            raise WeComError(86006)
        userlist = list(dict.fromkeys(str(u) for u in userlist))
        if not 2 <= len(userlist) <= 2000:
            raise WeComError(86006)
        self._check_members(userlist)
        owner = str(body.get("owner") or userlist[0])
        if owner not in userlist:
            raise WeComError(86005)
        chatid = str(body.get("chatid") or secrets.token_hex(16))
        if not _CHATID.match(chatid):
            raise WeComError(86001)
        if chatid in self.chats:
            raise WeComError(86215)
        self.chats[chatid] = GroupChat(chatid, str(body.get("name") or "")[:50], owner, userlist)
        return _ok(chatid=chatid)

    def _chat(self, chatid: object) -> GroupChat:
        chat = self.chats.get(str(chatid or ""))
        if chat is None:
            raise WeComError(86003)
        return chat

    def _appchat_update(self, request: _Request) -> _Reply:
        body = request.json()
        chat = self._chat(body.get("chatid"))
        add = [str(u) for u in body.get("add_user_list") or []]
        remove = {str(u) for u in body.get("del_user_list") or []}
        self._check_members(add)
        userlist = [u for u in dict.fromkeys(chat.userlist + add) if u not in remove]
        if not 2 <= len(userlist) <= 2000:
            raise WeComError(86006)
        owner = str(body.get("owner") or chat.owner)
        if owner not in userlist:
            raise WeComError(86005)
        if body.get("name"):
            chat.name = str(body["name"])[:50]
        chat.owner, chat.userlist = owner, userlist
        return _ok()

    def _appchat_get(self, request: _Request) -> _Reply:
        chat = self._chat(request.query.get("chatid"))
        info = {**asdict(chat), "chat_type": 0}
        return _ok(chat_info=info)

    def _appchat_send(self, request: _Request) -> _Reply:
        body = request.json()
        chat = self._chat(body.get("chatid"))
        msgtype = body.get("msgtype")
        if msgtype not in APPCHAT_TYPES:
            raise WeComError(40008)
        self._check_content(body, msgtype)
        msgid = secrets.token_urlsafe(24)
        self.messages.append(
            SentMessage(
                msgid, msgtype, copy.deepcopy(body), list(chat.userlist), chatid=chat.chatid
            )
        )
        return _ok()

    def _take_code(self, request: _Request) -> OAuthCode:
        code = self.oauth_codes.pop(request.query.get("code", ""), None)
        if code is None or code.expires_at <= time.time():
            raise WeComError(40029)
        return code

    def _getuserinfo(self, request: _Request) -> _Reply:
        code = self._take_code(request)
        if code.userid not in self.users:  # not a member: WeCom answers an openid
            openid = hashlib.sha256(f"{self.corp_id}:{code.userid}".encode()).hexdigest()[:28]
            return _ok(openid=openid)
        extra: dict[str, Any] = {}
        if code.scope == "snsapi_privateinfo":
            extra = {"user_ticket": secrets.token_urlsafe(32), "expires_in": 1800}
        return _ok(userid=code.userid, **extra)

    def _getuserinfo_legacy(self, request: _Request) -> _Reply:
        code = self._take_code(request)
        if code.userid not in self.users:
            return _ok(OpenId=hashlib.sha256(code.userid.encode()).hexdigest()[:28], DeviceId="")
        return _ok(UserId=code.userid, DeviceId="")

    def _user_get(self, request: _Request) -> _Reply:
        user = self.users.get(request.query.get("userid", ""))
        if user is None:
            raise WeComError(60111)
        return _ok(
            userid=user.userid,
            name=user.name,
            department=user.department,
            main_department=user.department[0] if user.department else 1,
            status=1,
        )

    def _ticket(self, kind: str) -> _Reply:
        now = time.time()
        for ticket, (ticket_kind, expires_at) in self.tickets.items():
            if ticket_kind == kind and expires_at > now:
                return _ok(ticket=ticket, expires_in=int(expires_at - now))
        ticket = secrets.token_urlsafe(64)
        self.tickets[ticket] = (kind, now + TOKEN_TTL)
        return _ok(ticket=ticket, expires_in=TOKEN_TTL)

    def _jsapi_ticket(self, request: _Request) -> _Reply:
        return self._ticket("corp")

    def _agent_ticket(self, request: _Request) -> _Reply:
        if request.query.get("type") != "agent_config":
            raise WeComError(91040)
        return self._ticket("agent_config")

    def _authorize(self, request: _Request) -> _Reply:
        """open.weixin.qq.com's OAuth page: 302 to redirect_uri with a code for the browser user."""
        query = request.query
        problem = None
        if query.get("appid") != self.corp_id:
            problem = "appid is not this corp id"
        elif not query.get("redirect_uri", "").startswith(("http://", "https://")):
            problem = "redirect_uri missing or not absolute"
        elif query.get("response_type") != "code":
            problem = "response_type must be code"
        elif query.get("scope") not in ("snsapi_base", "snsapi_privateinfo", "snsapi_userinfo"):
            problem = "scope must be snsapi_base or snsapi_privateinfo"
        elif query.get("scope") == "snsapi_privateinfo" and query.get("agentid") != str(
            self.agent_id
        ):
            problem = "snsapi_privateinfo needs this app's agentid"
        elif self.browser_user is None:
            problem = "open this link in WeCom (fake: set the user with POST /fake/oauth-user)"
        if problem:
            return _Reply(400, problem.encode(), {"Content-Type": "text/plain; charset=utf-8"})
        assert self.browser_user is not None
        code = self.issue_oauth_code(self.browser_user, query.get("scope", "snsapi_base"))
        params = {"code": code}
        if "state" in query:
            params["state"] = query["state"]
        location = _with_query(query["redirect_uri"], params)
        return _Reply(302, b"", {"Location": location})

    # -- /fake/ control endpoints ------------------------------------------------------------

    def control(self, request: _Request) -> _Reply:
        """Loopback-only controls for demos and for tests that run the fake as a process."""
        try:
            body = request.json() if request.body else {}
        except WeComError:
            return _json_reply({"ok": False, "error": "body must be a JSON object"}, 400)
        path = request.path
        try:
            if (request.method, path) == ("POST", "/fake/push-text"):
                result = self.push_text(str(body["from"]), str(body["content"]))
                return _json_reply(result.as_dict())
            if (request.method, path) == ("POST", "/fake/push-event"):
                xml = self.event_message(
                    str(body["from"]), str(body["event"]), str(body.get("event_key", ""))
                )
                return _json_reply(self.push(xml).as_dict())
            if (request.method, path) == ("POST", "/fake/push-xml"):
                return _json_reply(self.push(str(body["xml"])).as_dict())
            if (request.method, path) == ("POST", "/fake/oauth-user"):
                self.set_browser_user(body.get("userid") or None)
                return _json_reply({"ok": True, "userid": self.browser_user})
            if (request.method, path) == ("POST", "/fake/users"):
                self.add_user(str(body["userid"]), body.get("name"), body.get("department") or (1,))
                return _json_reply({"ok": True})
            if (request.method, path) == ("POST", "/fake/expire-tokens"):
                self.expire_tokens()
                return _json_reply({"ok": True})
            if (request.method, path) == ("POST", "/fake/fail-next"):
                self.fail_next(
                    str(body["path"]),
                    int(body["errcode"]),
                    int(body.get("times", 1)),
                    body.get("errmsg"),
                )
                return _json_reply({"ok": True})
            if (request.method, path) == ("GET", "/fake/messages"):
                with self.lock:
                    messages = [asdict(m) for m in self.messages]
                return _json_reply({"messages": messages})
            if (request.method, path) == ("GET", "/fake/calls"):
                with self.lock:
                    calls = [c._asdict() for c in self.calls]
                return _json_reply({"calls": calls})
            if request.method == "GET" and path.startswith("/fake/media/"):
                media = self.media.get(path.removeprefix("/fake/media/"))
                if media is None:
                    return _json_reply({"ok": False, "error": "no such media"}, 404)
                return self._media_reply(media)
        except (KeyError, TypeError, ValueError) as exc:
            return _json_reply({"ok": False, "error": f"bad request: {exc!r}"}, 400)
        return _json_reply({"ok": False, "error": "no such control"}, 404)


class _Server(ThreadingHTTPServer):
    fake: FakeWeCom


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "FakeWeCom/1.0"
    wbufsize = -1  # headers and body in one write (no Nagle/delayed-ACK stall on keep-alive)
    disable_nagle_algorithm = True

    def _serve(self) -> None:
        fake = cast(_Server, self.server).fake
        parts = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        request = _Request(
            self.command,
            parts.path,
            dict(parse_qsl(parts.query, keep_blank_values=True)),
            {k.lower(): v for k, v in self.headers.items()},
            self.rfile.read(length) if length else b"",
        )
        if parts.path.startswith("/fake/"):
            if not _is_loopback(str(self.client_address[0])):
                reply = _json_reply({"ok": False, "error": "loopback only"}, 403)
            else:
                reply = fake.control(request)
        else:
            reply = fake.handle(request)
        self.send_response(reply.status)
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(reply.body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(reply.body)
        self.wfile.flush()

    do_GET = do_POST = _serve

    def log_message(self, format: str, *args: Any) -> None:
        logger.debug("fake wecom: " + format, *args)
