from __future__ import annotations

import time
from collections.abc import Callable
from contextlib import ExitStack

from django.db import connections
from django.http import HttpRequest, HttpResponse

from hitsm.core import context
from hitsm.core.netaddr import client_ip


class RequestContextMiddleware:
    """Gives each request an id (echoed as X-Request-ID) and the client's address (for the audit
    log, ``hitsm.core.netaddr``), and binds it as the current context."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        request.request_id = (  # type: ignore[attr-defined]
            incoming if incoming.isalnum() and len(incoming) <= 64 else context.new_request_id()
        )
        request.client_ip = client_ip(request)  # type: ignore[attr-defined]
        token = context.bind_request(request)
        try:
            response = self.get_response(request)
        finally:
            context.unbind_request(token)
        response["X-Request-ID"] = request.request_id  # type: ignore[attr-defined]
        return response


class ServerTimingMiddleware:
    """Answers a ``Server-Timing`` header (W3C Server Timing) with the time the request spent in
    Django (``app``: wall clock from the first middleware to the response; ``cpu``: this thread's
    CPU time) and in the database (``db``, with the statement count). A client's latency minus
    ``app`` is the time spent before Django saw the request: the listen backlog, a busy worker.

    On only with ``HITSM_SERVER_TIMING=true`` (the load benchmark, or an operator chasing a tail):
    the header tells a client how long the server worked, which is not for everyone to read.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        spent = {"db": 0.0, "queries": 0}

        def timed(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
            began = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                spent["db"] += time.perf_counter() - began
                spent["queries"] += 1

        began, cpu = time.perf_counter(), time.thread_time()
        with ExitStack() as stack:
            for alias in connections:
                stack.enter_context(connections[alias].execute_wrapper(timed))
            response = self.get_response(request)
        app = (time.perf_counter() - began) * 1000
        response["Server-Timing"] = (
            f"app;dur={app:.1f}, cpu;dur={(time.thread_time() - cpu) * 1000:.1f}, "
            f'db;dur={spent["db"] * 1000:.1f};desc="{spent["queries"]} queries"'
        )
        return response
