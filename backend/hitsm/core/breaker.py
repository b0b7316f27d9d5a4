"""A per-process circuit breaker for best-effort calls to Redis made inside web requests.

Reading the reference-data generation (hitsm.core.refcache), pushes to the channel layer and
queueing Celery tasks after a commit are best effort: the data is committed (or read from the
database), and the outbox dispatcher delivers what could not be queued. While Redis hangs
(frozen, overloaded, a network partition), each such call would wait for its timeout; after one
failure the breaker makes the others in this process skip at once for ``cooldown`` seconds, so a
request never pays more than one timeout (tests/reliability, docs/reliability.md).
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")

logger = logging.getLogger(__name__)


class Breaker:
    def __init__(self, name: str, *, cooldown: float = 10.0) -> None:
        self.name = name
        self.cooldown = cooldown
        self._open_until = 0.0
        self._lock = threading.Lock()

    def is_open(self) -> bool:
        """True while calls should be skipped (a failure less than ``cooldown`` ago)."""
        return time.monotonic() < self._open_until

    def trip(self) -> None:
        with self._lock:
            if not self.is_open():
                logger.warning(
                    "%s unavailable: skipping calls for %.0f s", self.name, self.cooldown
                )
            self._open_until = time.monotonic() + self.cooldown

    def reset(self) -> None:
        with self._lock:
            self._open_until = 0.0


_pool_lock = threading.Lock()
_pool: tuple[int, ThreadPoolExecutor] | None = None  # (pid, pool): forks get their own


def _executor() -> ThreadPoolExecutor:
    global _pool
    with _pool_lock:
        if _pool is None or _pool[0] != os.getpid():
            _pool = (os.getpid(), ThreadPoolExecutor(4, thread_name_prefix="hitsm-bounded"))
        return _pool[1]


def call_bounded(breaker: Breaker, fn: Callable[[], T], *, timeout: float) -> T:
    """Run ``fn`` but wait at most ``timeout`` seconds; a timeout or an error trips ``breaker``
    and is raised. A call that timed out keeps running in the background and may still
    succeed: only use this for calls that are safe to happen late (or twice). Used for
    queueing Celery tasks, where a socket timeout on the broker connection would also apply to
    the worker's consumer, which does not recover from one."""
    future = _executor().submit(fn)
    try:
        return future.result(timeout=timeout)
    except Exception:
        breaker.trip()
        raise


# Redis: the shared cache, the channel layer and the Celery broker are one server in production
# (settings.REDIS_URL), so a failure of any of them skips the others too.
redis_breaker = Breaker("redis")
