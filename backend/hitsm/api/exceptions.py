"""One error envelope for every API failure: ``{"error": {code, message, fields, request_id}}``."""

from __future__ import annotations

import errno
import logging
from typing import Any

import redis
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.db import DataError, InterfaceError, OperationalError
from django.db.models import ProtectedError, RestrictedError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response

from hitsm.core.context import current_request
from hitsm.core.errors import DomainError

logger = logging.getLogger(__name__)

_DEFAULT_CODES: dict[type[exceptions.APIException], str] = {
    exceptions.ValidationError: "validation_error",
    exceptions.ParseError: "parse_error",
    exceptions.NotAuthenticated: "not_authenticated",
    exceptions.AuthenticationFailed: "not_authenticated",
    exceptions.PermissionDenied: "permission_denied",
    exceptions.NotFound: "not_found",
    exceptions.MethodNotAllowed: "method_not_allowed",
    exceptions.NotAcceptable: "not_acceptable",
    exceptions.UnsupportedMediaType: "unsupported_media_type",
    exceptions.Throttled: "throttled",
}


def _messages() -> dict[str, str]:
    return {
        "validation_error": _("提交的数据有误，请检查标红的字段"),
        "parse_error": _("请求内容格式错误，无法解析"),
        "not_authenticated": _("请先登录"),
        "permission_denied": _("您没有执行此操作的权限"),
        "not_found": _("找不到该对象，或您无权查看"),
        "method_not_allowed": _("不支持该请求方法"),
        "not_acceptable": _("无法提供所请求的格式"),
        "unsupported_media_type": _("不支持的内容类型"),
        "throttled": _("请求过于频繁，请稍后再试"),
        "request_too_large": _("提交的数据过大，请精简内容或改用附件上传"),
        "in_use": _("该对象正被其他数据引用，不能删除；可以改为停用"),
        "invalid_value": _("提交的数值超出范围或格式无效"),
        "server_error": _("服务器内部错误，请稍后重试；如持续出现请联系信息管理处"),
        "database_unavailable": _("数据库暂时无法连接，请稍后重试；如持续出现请联系信息管理处"),
        "service_unavailable": _("系统服务暂时不可用，请稍后重试；如持续出现请联系信息管理处"),
        "storage_full": _("附件存储空间已满，文件未保存；请联系信息管理处"),
        "storage_unavailable": _("附件存储暂时不可写入，文件未保存；请稍后重试或联系信息管理处"),
    }


# Out of space (ENOSPC, EDQUOT) is 507 storage_full; a read-only or refused store is 503.
_STORAGE_FULL = frozenset({errno.ENOSPC, errno.EDQUOT})
_STORAGE_REFUSED = frozenset({errno.EROFS, errno.EACCES, errno.EPERM})


def _unavailable(exc: Exception) -> tuple[str, int] | None:
    """(code, status) for a backing service that is down or full: the request may be retried
    later and nothing it wrote was kept (its transaction rolled back). docs/reliability.md"""
    if isinstance(exc, OperationalError | InterfaceError):
        return "database_unavailable", status.HTTP_503_SERVICE_UNAVAILABLE
    if isinstance(exc, redis.ConnectionError | redis.TimeoutError):
        return "service_unavailable", status.HTTP_503_SERVICE_UNAVAILABLE
    if isinstance(exc, OSError) and exc.errno in _STORAGE_FULL:
        return "storage_full", status.HTTP_507_INSUFFICIENT_STORAGE
    if isinstance(exc, OSError) and exc.errno in _STORAGE_REFUSED:
        return "storage_unavailable", status.HTTP_503_SERVICE_UNAVAILABLE
    return None


def _flatten(detail: Any) -> dict[str, list[str]]:
    if isinstance(detail, dict):
        fields: dict[str, list[str]] = {}
        for key, value in detail.items():
            if isinstance(value, dict):
                for sub_key, sub_value in _flatten(value).items():
                    fields[f"{key}.{sub_key}"] = sub_value
            elif isinstance(value, list):
                flat: list[str] = []
                for index, item in enumerate(value):
                    if isinstance(item, dict):
                        for sub_key, sub_value in _flatten(item).items():
                            fields[f"{key}.{index}.{sub_key}"] = sub_value
                    else:
                        flat.append(str(item))
                if flat:
                    fields[key] = flat
            else:
                fields[key] = [str(value)]
        return fields
    if isinstance(detail, list):
        return {"non_field_errors": [str(item) for item in detail]}
    return {}


def envelope(
    code: str, message: str, fields: dict[str, list[str]] | None = None, **extra: Any
) -> dict[str, Any]:
    request = current_request()
    body: dict[str, Any] = {
        "code": code,
        "message": message,
        "fields": fields or {},
        "request_id": getattr(request, "request_id", ""),
    }
    body.update(extra)
    return {"error": body}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    messages = _messages()
    if isinstance(exc, DomainError):
        return Response(
            envelope(exc.code, str(exc.message), exc.fields, **exc.extra), status=exc.status
        )
    if isinstance(exc, RequestDataTooBig | TooManyFieldsSent):
        # Django's DATA_UPLOAD_MAX_* limits, hit while DRF reads the body: a client error.
        return Response(
            envelope("request_too_large", messages["request_too_large"]),
            status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
        )
    if isinstance(exc, OverflowError | DataError):
        # A number beyond what the database column holds (an id of 10**30 in a filter or a
        # body): the database refuses the value itself, which is the client's input.
        return Response(
            envelope("invalid_value", messages["invalid_value"]), status=status.HTTP_400_BAD_REQUEST
        )
    if isinstance(exc, ProtectedError | RestrictedError):
        # A delete the database's references forbid (an article's category, a parent row).
        return Response(envelope("in_use", messages["in_use"]), status=status.HTTP_409_CONFLICT)
    unavailable = _unavailable(exc)
    if unavailable is not None:
        code, http_status = unavailable
        logger.warning("%s: %s: %s", code, type(exc).__name__, exc)
        response = Response(envelope(code, messages[code]), status=http_status)
        response["Retry-After"] = "10"
        return response
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    if not isinstance(exc, exceptions.APIException):
        logger.exception("unhandled API error", exc_info=exc)
        return Response(
            envelope("server_error", messages["server_error"]),
            status=status.HTTP_500_INTERNAL_SERVER_ERROR,
        )
    code = _DEFAULT_CODES.get(type(exc), "error")
    detail_code = exc.get_codes() if not isinstance(exc.detail, dict | list) else None
    if isinstance(detail_code, str) and "." in detail_code:
        code = detail_code  # e.g. auth.password_expired from a permission class
    fields = _flatten(exc.detail) if isinstance(exc, exceptions.ValidationError) else {}
    if code in messages and (
        isinstance(exc, exceptions.ValidationError) or str(exc.detail) == str(exc.default_detail)
    ):
        message = messages[code]
    else:
        message = (
            str(exc.detail) if not isinstance(exc.detail, dict | list) else messages.get(code, "")
        )
    if isinstance(exc, exceptions.ValidationError) and list(fields) == ["non_field_errors"]:
        message = fields["non_field_errors"][0]
    response = Response(envelope(code, message, fields), status=exc.status_code)
    if getattr(exc, "auth_header", None):
        response["WWW-Authenticate"] = exc.auth_header  # type: ignore[attr-defined]
    wait = getattr(exc, "wait", None)
    if isinstance(exc, exceptions.Throttled) and wait:
        response["Retry-After"] = str(int(wait))
    return response
