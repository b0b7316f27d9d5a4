"""Test-wide set-up: isolated data directory, personas, API clients."""

from __future__ import annotations

import ipaddress
import socket

import pytest

_real_connect = socket.socket.connect
_LOOPBACK = ("127.", "::1", "localhost")


def _guarded_connect(self: socket.socket, address: object) -> None:
    """The suite may talk only to services on this machine (ARCHITECTURE.md)."""
    host = address[0] if isinstance(address, tuple) else str(address)
    if self.family in (socket.AF_INET, socket.AF_INET6) and not str(host).startswith(_LOOPBACK):
        raise RuntimeError(f"test tried to reach a non-loopback address: {address!r}")
    return _real_connect(self, address)


socket.socket.connect = _guarded_connect  # type: ignore[method-assign]

_real_getaddrinfo = socket.getaddrinfo


def _is_local_name(host: object) -> bool:
    if host is None or host in ("", b""):
        return True  # a wildcard bind, not a lookup
    name = (host.decode() if isinstance(host, bytes) else str(host)).lower().rstrip(".")
    if name == "localhost":
        return True
    try:
        address = ipaddress.ip_address(name.split("%")[0])
    except ValueError:
        return False
    return address.is_loopback or address.is_unspecified


def _guarded_getaddrinfo(host, *args, **kwargs):
    """No DNS either: a lookup of a real host (qyapi.weixin.qq.com ...) fails the test at once."""
    if not _is_local_name(host):
        raise RuntimeError(f"test tried to resolve a non-loopback name: {host!r}")
    return _real_getaddrinfo(host, *args, **kwargs)


socket.getaddrinfo = _guarded_getaddrinfo


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _clear_cache() -> None:
    """Empty this test worker's cache only. ``cache.clear()`` on Redis is FLUSHDB, which would
    also wipe the broker queues and channel groups of the other parallel test workers."""
    from django.conf import settings
    from django.core.cache import cache

    from hitsm.core import refcache

    refcache.forget()  # values loaded from data that the test's rollback removed
    if "redis" not in settings.CACHES["default"]["BACKEND"].lower():
        cache.clear()
        return
    client = cache._cache.get_client()
    prefix = settings.CACHES["default"]["KEY_PREFIX"]
    keys = list(client.scan_iter(match=f"{prefix}:*", count=1000))
    if keys:
        client.delete(*keys)


@pytest.fixture(autouse=True)
def _closed_breaker():
    """A Redis failure one test provokes must not make the next skip its pushes."""
    from hitsm.core.breaker import redis_breaker

    redis_breaker.reset()
    yield
    redis_breaker.reset()


@pytest.fixture(autouse=True)
def _fresh_cache():
    _clear_cache()
    yield
    _clear_cache()


from hitsm.accounts.tests.fixtures import *  # noqa: E402, F403
