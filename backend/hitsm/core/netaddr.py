"""The client's address as the audit log records it.

``X-Forwarded-For`` is written by whoever sends the request, so it is believed only as far as
our own reverse proxies vouch for it: with ``HITSM_PROXY_COUNT=N`` the last N hops (the peer that
connected to us, ``REMOTE_ADDR``, and N - 1 entries written by the proxies before it) are ours and
the client is the hop just before them; anything further left may be forged and is ignored. With
the default ``N = 0`` the header is ignored altogether. The same rule serves the lockout (axes,
through ``AXES_CLIENT_IP_CALLABLE``) and the login throttle (DRF's ``NUM_PROXIES``).
"""

from __future__ import annotations

import ipaddress
from typing import cast

from django.conf import settings
from django.http import HttpRequest

_UNSET = object()


def _valid(value: str | None) -> str | None:
    if not value:
        return None
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_ip(request: HttpRequest | None) -> str | None:
    """The client's IP address, or None (no request, or nothing that parses as an address)."""
    if request is None:
        return None
    cached = getattr(request, "client_ip", _UNSET)
    if cached is not _UNSET:
        return cast("str | None", cached)
    remote = _valid(request.META.get("REMOTE_ADDR"))
    hops = int(getattr(settings, "TRUSTED_PROXY_COUNT", 0))
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if hops <= 0 or remote is None or not forwarded:
        return remote
    chain = [part.strip() for part in forwarded.split(",")] + [remote]
    # chain[-1] is our nearest proxy, chain[-hops:] are all ours; the client wrote nothing past
    # chain[-hops - 1]. A shorter chain (a request that skipped a proxy) yields its first hop,
    # which one of our proxies still wrote.
    candidate = chain[max(len(chain) - hops - 1, 0)]
    return _valid(candidate) or remote
