"""The WeCom connection in effect: the administrator's settings row, overridden field by field
by the environment (``settings.WECOM_ENV``), cached per process like other reference data."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings

from hitsm.core import refcache
from hitsm.core.secrets import secret_open
from hitsm.wecom.models import DEFAULT_BASE_URL, DEFAULT_OAUTH_BASE_URL, WeComSettings


@dataclass(frozen=True)
class Connection:
    enabled: bool = False
    corp_id: str = ""
    agent_id: int | None = None
    secret: str = ""
    token: str = ""
    aes_key: str = ""
    base_url: str = DEFAULT_BASE_URL
    oauth_base_url: str = DEFAULT_OAUTH_BASE_URL
    proxy: str = ""
    from_env: frozenset[str] = field(default_factory=frozenset)

    @property
    def can_call(self) -> bool:
        """Enough to call WeCom's API (send messages, OAuth, JS-SDK)."""
        return self.enabled and bool(self.corp_id and self.secret and self.agent_id)

    @property
    def can_receive(self) -> bool:
        """Enough to verify and decrypt callbacks."""
        return self.enabled and bool(self.corp_id and self.token and len(self.aes_key) == 43)


def settings_row() -> WeComSettings:
    row, _ = WeComSettings.objects.get_or_create(pk=1)
    return row


def _load() -> Connection:
    row = WeComSettings.objects.filter(pk=1).first() or WeComSettings()
    env = settings.WECOM_ENV
    values: dict[str, object] = {
        "enabled": row.enabled,
        "corp_id": row.corp_id,
        "agent_id": row.agent_id,
        "secret": secret_open(row.secret_sealed),
        "token": secret_open(row.token_sealed),
        "aes_key": secret_open(row.aes_key_sealed),
        "base_url": row.base_url or DEFAULT_BASE_URL,
        "oauth_base_url": row.oauth_base_url or DEFAULT_OAUTH_BASE_URL,
        "proxy": row.proxy,
    }
    from_env = set()
    for name, value in env.items():
        if value:
            from_env.add(name)
            values[name] = int(str(value)) if name == "agent_id" else value
    return Connection(
        **values,  # type: ignore[arg-type]
        from_env=frozenset(from_env),
    )


def connection() -> Connection:
    return refcache.cached("wecom.connection", _load)
