"""Who is acting right now: the request being served, or a named system actor.

The change log and timeline read the actor from here, so services need not pass it to every
model save. A request's user is read lazily because DRF authenticates inside the view.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from hitsm.core.netaddr import client_ip

if TYPE_CHECKING:
    from django.http import HttpRequest


@dataclass(frozen=True)
class Actor:
    user_id: int | None
    label: str
    request_id: str
    ip: str | None = None  # the client's address when acting for a request (hitsm.core.netaddr)


_request: ContextVar[HttpRequest | None] = ContextVar("hitsm_request", default=None)
_system: ContextVar[Actor | None] = ContextVar("hitsm_system_actor", default=None)


def new_request_id() -> str:
    return uuid.uuid4().hex[:12]


def bind_request(request: HttpRequest) -> Any:
    return _request.set(request)


def unbind_request(token: Any) -> None:
    _request.reset(token)


def current_request() -> HttpRequest | None:
    return _request.get()


@contextlib.contextmanager
def acting_as(*, label: str, user_id: int | None = None) -> Iterator[Actor]:
    """Run a block as a named actor (a Celery task, a management command, a scanner)."""
    actor = Actor(user_id=user_id, label=label, request_id=new_request_id())
    token = _system.set(actor)
    try:
        yield actor
    finally:
        _system.reset(token)


def actor_of(user: Any) -> Actor:
    """The actor for a service called with an explicit user (or the context's when None)."""
    if user is None:
        return current_actor()
    request = _request.get()
    return Actor(
        user_id=user.pk,
        label=user.get_username(),
        request_id=getattr(request, "request_id", "") if request is not None else "",
        ip=client_ip(request),
    )


def current_actor() -> Actor:
    system = _system.get()
    if system is not None:
        return system
    request = _request.get()
    if request is not None:
        user = getattr(request, "user", None)
        request_id = getattr(request, "request_id", "")
        ip = client_ip(request)
        if user is not None and user.is_authenticated:
            return Actor(user_id=user.pk, label=user.get_username(), request_id=request_id, ip=ip)
        return Actor(user_id=None, label="anonymous", request_id=request_id, ip=ip)
    return Actor(user_id=None, label="system", request_id="")


_loading: ContextVar[bool] = ContextVar("hitsm_loading_history", default=False)


@contextlib.contextmanager
def loading_history() -> Iterator[None]:
    """Data being loaded describes the past (the demo hospital, an import of old tickets): the
    messages it queues are history, not news. Outboxes keep their rows (marked sent by the
    loader) but queue no delivery tasks, so a worker is not kept busy for minutes."""
    token = _loading.set(True)
    try:
        yield
    finally:
        _loading.reset(token)


def is_loading_history() -> bool:
    return _loading.get()
