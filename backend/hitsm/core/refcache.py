"""Reference data read on every ticket creation, cached in each process.

The priority matrix, the SLA targets, the routing rules and the category and department trees
change a few times a year but are read by every creation. Each process keeps them in memory
(``cached(name, load)``) and reloads a value when:

* a row of a reference model (``REFERENCE_MODELS``) is saved or deleted: in the process that
  made the change at once, and in every other process through a generation number in the
  shared cache (Redis in production) that the change increments when its transaction commits;
  a process compares its generation with the shared one at most once per ``CHECK_SECONDS``;
* or after ``MAX_AGE_SECONDS`` whatever happened, which bounds staleness where no signal is sent
  (``QuerySet.update()``, raw SQL). The shared cache is Redis in production and a file-based
  cache under the data directory in embedded mode (the web process and the worker that runs the
  SLA scanner both read it); only the test suite uses per-process memory.

Values are loaded after the shared generation is read, so a change committed while loading
makes the next check reload. A transaction that changed reference data reads them uncached
until it ends: what it sees may still be rolled back.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.core.cache import cache
from django.db import connection, models, transaction
from django.db.models.signals import post_delete, post_save

from hitsm.core.breaker import redis_breaker

logger = logging.getLogger(__name__)
T = TypeVar("T")

REFERENCE_MODELS = frozenset(
    {
        "sla.PriorityMatrixCell",
        "sla.PriorityTarget",
        "sla.BusinessCalendar",
        "sla.CalendarDay",
        "sla.PublicHoliday",
        "sla.SlaPolicy",
        "sla.SlaTarget",
        "sla.EscalationRule",
        "servicedesk.RoutingRule",
        "accounts.AssignmentGroup",
        "catalog.Category",
        "accounts.Department",
        "workflow.ProcessDefinition",
        "workflow.ProcessBinding",
        "wecom.WeComSettings",
    }
)
GENERATION_KEY = "refcache:generation"
CHECK_SECONDS = 1.0
MAX_AGE_SECONDS = 60.0


@dataclass
class _Entry:
    value: Any
    generation: object
    loaded_at: float
    checked_at: float


_entries: dict[str, _Entry] = {}
_lock = threading.Lock()
_changing = threading.local()  # .active: this thread's transaction changed reference data


def _shared_generation() -> object:
    """The shared generation number; a new object (never equal: reload) when the cache is down.
    After one failure the others skip the cache for a while (``redis_breaker``): a request reads
    several values, and each would otherwise wait for the cache's timeout."""
    if redis_breaker.is_open():
        return object()
    try:
        return cache.get(GENERATION_KEY, 0)
    except Exception:  # the cache is down: treat every value as stale (reload, never serve old)
        logger.warning("reference cache generation unavailable", exc_info=True)
        redis_breaker.trip()
        return object()


def cached(name: str, load: Callable[[], T]) -> T:
    """``load()``'s value, kept until a reference model changes (see the module docstring)."""
    if getattr(_changing, "active", False):
        if connection.in_atomic_block:
            return load()  # uncommitted changes: never cache them
        _changing.active = False  # that transaction rolled back
    now = time.monotonic()
    entry = _entries.get(name)
    if entry is not None and now - entry.loaded_at < MAX_AGE_SECONDS:
        if now - entry.checked_at < CHECK_SECONDS:
            return entry.value
        generation = _shared_generation()
        if generation == entry.generation:
            entry.checked_at = now
            return entry.value
    else:
        generation = _shared_generation()
    value = load()
    with _lock:
        _entries[name] = _Entry(value, generation, now, now)
    return value


def forget() -> None:
    """Forget every value in this process (tests: rolled-back data sends no signal)."""
    with _lock:
        _entries.clear()
    _changing.active = False


def invalidate() -> None:
    """Forget every value here now, and everywhere once the current transaction commits."""
    forget()
    _changing.active = connection.in_atomic_block
    transaction.on_commit(_bump)


def _bump() -> None:
    forget()  # a value loaded before the commit may be the old one
    try:
        cache.add(GENERATION_KEY, 0, None)
        cache.incr(GENERATION_KEY)
    except Exception:  # other processes catch up within MAX_AGE_SECONDS
        logger.warning("could not publish a reference data change", exc_info=True)


def _on_change(sender: type[models.Model], **kwargs: Any) -> None:
    if sender._meta.label in REFERENCE_MODELS:
        invalidate()


def connect_signals() -> None:
    post_save.connect(_on_change, dispatch_uid="hitsm_refcache_post_save")
    post_delete.connect(_on_change, dispatch_uid="hitsm_refcache_post_delete")
