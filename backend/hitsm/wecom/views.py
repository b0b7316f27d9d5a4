"""``/wecom/callback``: the URL configured in WeCom's console for the self-built app."""

from __future__ import annotations

import logging

from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from hitsm.wecom.callback import MAX_BODY, CallbackRejected, raw_query, receive, verify_url
from hitsm.wecom.config import connection

logger = logging.getLogger(__name__)


@csrf_exempt  # WeCom signs its callbacks; there is no browser session here
@require_http_methods(["GET", "POST"])
def callback(request: HttpRequest) -> HttpResponse:
    query = raw_query(request.META.get("QUERY_STRING", ""))
    try:
        if request.method == "GET":
            return HttpResponse(verify_url(connection(), query), content_type="text/plain")
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
        if declared > MAX_BODY:
            raise CallbackRejected(413, "wecom.too_large", "body over 64 KB")
        body = request.read(MAX_BODY + 1)
        receive(connection(), query, body)
    except CallbackRejected as exc:
        logger.warning("WeCom callback refused: %s (%s)", exc.code, exc)
        return HttpResponse(exc.code, status=exc.status, content_type="text/plain")
    except ValueError:
        return HttpResponse("wecom.bad_request", status=400, content_type="text/plain")
    return HttpResponse("", content_type="text/plain")  # WeCom wants an empty 200, at once
