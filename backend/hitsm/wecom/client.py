"""Our own small WeCom server-API client (not an SDK: see issue 9 for why).

- The host is configurable (an on-premises proxy, the fake server in tests), the environment's
  proxy variables are ignored (``trust_env=False``), redirects are not followed and every call
  has a timeout.
- The access_token lives in the shared cache (Redis in production) for all workers, refreshed
  five minutes before WeCom's ``expires_in``; one worker refreshes while the others wait briefly.
- A token WeCom refuses (40001, 40014, 42001) is dropped and refreshed **once**, and the call is
  retried once; a second refusal is an error, never a loop.
- Throttling and outages (45009, 45033, -1, network errors) open a circuit breaker shared by all
  workers: calls fail fast with :class:`WeComUnavailable` until it closes (5 s, doubling to 5 min),
  and the outbox retries later.
"""

from __future__ import annotations

import hashlib
import logging
import time
from dataclasses import dataclass
from typing import Any

import httpx
from django.conf import settings
from django.core.cache import cache

from hitsm.wecom.config import Connection

logger = logging.getLogger(__name__)

TOKEN_ERRORS = frozenset({40001, 40014, 42001})
THROTTLE_ERRORS = frozenset({45009, 45033, -1})
REFRESH_MARGIN = 300
BREAKER_FIRST = 5
BREAKER_MAX = 300


class WeComError(Exception):
    """WeCom answered with a non-zero errcode (or something that is not WeCom's JSON)."""

    def __init__(self, errcode: int | None, errmsg: str) -> None:
        self.errcode = errcode
        self.errmsg = errmsg
        super().__init__(f"{errcode}: {errmsg}")

    @property
    def retryable(self) -> bool:
        return self.errcode in THROTTLE_ERRORS or self.errcode in TOKEN_ERRORS


class WeComUnavailable(WeComError):
    """WeCom cannot be reached now (network, throttled, breaker open): try again later."""

    def __init__(self, errcode: int | None, errmsg: str, *, retry_after: float = 0) -> None:
        super().__init__(errcode, errmsg)
        self.retry_after = retry_after

    @property
    def retryable(self) -> bool:
        return True


@dataclass(frozen=True)
class Media:
    content: bytes
    content_type: str
    filename: str


class WeComClient:
    def __init__(self, conn: Connection, *, timeout: float | None = None) -> None:
        self.conn = conn
        self._http = httpx.Client(
            base_url=conn.base_url.rstrip("/"),
            timeout=timeout or settings.WECOM_TIMEOUT,
            proxy=conn.proxy or None,
            trust_env=False,
            follow_redirects=False,
        )
        scope = f"{conn.corp_id}:{conn.agent_id}:{hashlib.sha256(conn.secret.encode()).hexdigest()[:12]}"
        self._token_key = f"wecom:token:{scope}"
        self._lock_key = f"wecom:token-lock:{scope}"
        self._breaker_key = f"wecom:breaker:{conn.corp_id}"
        self._breaker_count_key = f"wecom:breaker-count:{conn.corp_id}"

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> WeComClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- circuit breaker ---------------------------------------------------------------------

    def breaker_open_until(self) -> float:
        until = cache.get(self._breaker_key)
        return float(until) if until and float(until) > time.time() else 0.0

    def _trip(self, errcode: int | None, errmsg: str) -> WeComUnavailable:
        try:
            count = cache.incr(self._breaker_count_key)
        except ValueError:
            cache.set(self._breaker_count_key, 1, BREAKER_MAX * 4)
            count = 1
        pause = min(BREAKER_FIRST * 2 ** (count - 1), BREAKER_MAX)
        cache.set(self._breaker_key, time.time() + pause, pause)
        logger.warning("WeCom %s (%s): pausing calls for %s s", errcode, errmsg, pause)
        return WeComUnavailable(errcode, errmsg, retry_after=pause)

    def _healthy(self) -> None:
        cache.delete(self._breaker_count_key)

    # --- access token ------------------------------------------------------------------------

    def _fetch_token(self) -> str:
        data = self._get_json(
            "/cgi-bin/gettoken", {"corpid": self.conn.corp_id, "corpsecret": self.conn.secret}
        )
        token = str(data["access_token"])
        ttl = max(int(data.get("expires_in", 7200)) - REFRESH_MARGIN, 60)
        cache.set(self._token_key, token, ttl)
        return token

    def access_token(self, *, refresh: bool = False) -> str:
        if not refresh:
            token = cache.get(self._token_key)
            if token:
                return str(token)
        if cache.add(self._lock_key, 1, 10):
            try:
                return self._fetch_token()
            finally:
                cache.delete(self._lock_key)
        # Another worker is refreshing: wait for its token rather than asking WeCom again.
        deadline = time.monotonic() + 3
        stale = None if refresh else cache.get(self._token_key)
        while time.monotonic() < deadline:
            time.sleep(0.05)
            token = cache.get(self._token_key)
            if token and token != stale:
                return str(token)
        return self._fetch_token()

    def forget_token(self) -> None:
        cache.delete(self._token_key)

    # --- plumbing ----------------------------------------------------------------------------

    def _send(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        until = self.breaker_open_until()
        if until:
            raise WeComUnavailable(None, "circuit open", retry_after=until - time.time())
        try:
            return self._http.request(method, path, **kwargs)
        except httpx.HTTPError as exc:
            raise self._trip(None, f"{type(exc).__name__}: {exc}") from exc

    def _check(self, response: httpx.Response) -> dict[str, Any]:
        if response.status_code != 200:
            raise self._trip(None, f"HTTP {response.status_code}")
        try:
            data = response.json()
        except ValueError as exc:
            raise WeComError(None, "not JSON") from exc
        errcode = int(data.get("errcode", 0) or 0)
        if errcode in THROTTLE_ERRORS:
            raise self._trip(errcode, str(data.get("errmsg", "")))
        if errcode:
            raise WeComError(errcode, str(data.get("errmsg", "")))
        self._healthy()
        return data

    def _get_json(self, path: str, params: dict[str, Any]) -> dict[str, Any]:
        return self._check(self._send("GET", path, params=params))

    def call(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        json: Any = None,
        files: Any = None,
        raw: bool = False,
    ) -> Any:
        """Call an API that takes the access_token; refresh a refused token once."""
        for attempt in (1, 2):
            token = self.access_token(refresh=attempt == 2)
            response = self._send(
                method,
                path,
                params={**(params or {}), "access_token": token},
                json=json,
                files=files,
            )
            if raw and not _is_json(response) and response.status_code == 200:
                self._healthy()
                return response
            try:
                return self._check(response)
            except WeComError as exc:
                if exc.errcode in TOKEN_ERRORS and attempt == 1:
                    logger.info("WeCom refused the access token (%s); refreshing once", exc.errcode)
                    self.forget_token()
                    continue
                raise
        raise AssertionError("unreachable")

    # --- the APIs we use ---------------------------------------------------------------------

    def message_send(self, message: dict[str, Any]) -> dict[str, Any]:
        body = {"agentid": self.conn.agent_id, **message}
        return dict(self.call("POST", "/cgi-bin/message/send", json=body))

    def update_template_card(self, body: dict[str, Any]) -> dict[str, Any]:
        body = {"agentid": self.conn.agent_id, **body}
        return dict(self.call("POST", "/cgi-bin/message/update_template_card", json=body))

    def media_get(self, media_id: str) -> Media:
        """Download a media file. On error WeCom answers JSON with HTTP 200, so the
        Content-Type decides, not the status."""
        response = self.call("GET", "/cgi-bin/media/get", params={"media_id": media_id}, raw=True)
        if isinstance(response, dict):  # JSON without an errcode: not a file
            raise WeComError(None, "media/get answered JSON")
        content_type = response.headers.get("content-type", "application/octet-stream")
        return Media(
            content=response.content,
            content_type=content_type.split(";")[0].strip(),
            filename=_filename(response.headers.get("content-disposition", "")) or media_id,
        )

    def media_upload(self, kind: str, filename: str, content: bytes, content_type: str) -> str:
        data = self.call(
            "POST",
            "/cgi-bin/media/upload",
            params={"type": kind},
            files={"media": (filename, content, content_type)},
        )
        return str(data["media_id"])

    def appchat_create(self, *, chat_id: str, name: str, owner: str, users: list[str]) -> str:
        data = self.call(
            "POST",
            "/cgi-bin/appchat/create",
            json={"chatid": chat_id, "name": name, "owner": owner, "userlist": users},
        )
        return str(data.get("chatid") or chat_id)

    def appchat_update(self, body: dict[str, Any]) -> dict[str, Any]:
        return dict(self.call("POST", "/cgi-bin/appchat/update", json=body))

    def appchat_send(self, body: dict[str, Any]) -> dict[str, Any]:
        return dict(self.call("POST", "/cgi-bin/appchat/send", json=body))

    def user_from_code(self, code: str) -> str:
        """OAuth2: the userid behind a single-use code ("" for a non-member's openid)."""
        data = self.call("GET", "/cgi-bin/auth/getuserinfo", params={"code": code})
        return str(data.get("userid") or data.get("UserId") or "")

    def jsapi_ticket(self, *, agent: bool) -> str:
        key = f"{self._token_key}:jsapi:{'agent' if agent else 'corp'}"
        ticket = cache.get(key)
        if ticket:
            return str(ticket)
        if agent:
            data = self.call("GET", "/cgi-bin/ticket/get", params={"type": "agent_config"})
        else:
            data = self.call("GET", "/cgi-bin/get_jsapi_ticket")
        ticket = str(data["ticket"])
        cache.set(key, ticket, max(int(data.get("expires_in", 7200)) - REFRESH_MARGIN, 60))
        return ticket


def _is_json(response: httpx.Response) -> bool:
    content_type = response.headers.get("content-type", "")
    return "json" in content_type or content_type.startswith("text/plain")


def _filename(disposition: str) -> str:
    for part in disposition.split(";"):
        name, _, value = part.strip().partition("=")
        if name.lower() == "filename" and value:
            return value.strip().strip('"')
    return ""
