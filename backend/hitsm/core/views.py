"""Serve the built single-page apps (web at /, H5 at /h5/) so production needs no Node."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import ensure_csrf_cookie
from django.views.decorators.http import require_GET

_NOT_BUILT = (
    "<!doctype html><meta charset=utf-8><title>HITSM</title>"
    "<p>前端尚未构建 / The front end has not been built: run <code>make build</code>.</p>"
)


def _index(app: str) -> HttpResponse:
    index = settings.FRONTEND_APPS[app] / "index.html"
    if not index.is_file():
        return HttpResponse(_NOT_BUILT, status=503)
    response = HttpResponse(index.read_bytes(), content_type="text/html; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    return response


@require_GET
@ensure_csrf_cookie
def web_app(request: HttpRequest, path: str = "") -> HttpResponse:
    return _index("web")


@require_GET
@ensure_csrf_cookie
def h5_app(request: HttpRequest, path: str = "") -> HttpResponse:
    return _index("h5")
