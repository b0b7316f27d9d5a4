from __future__ import annotations

from collections.abc import Callable

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
