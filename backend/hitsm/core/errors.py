"""Domain errors with stable codes.

Services raise :class:`DomainError` (or a subclass); the API's exception handler turns it into
the one error envelope ``{"error": {"code", "message", "fields", "request_id"}}``. Codes are
stable strings shared with the front ends; messages are translated (zh-hans default, en).
"""

from __future__ import annotations

from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    code: str = "domain_error"
    status: int = 400
    default_message: str | Promise = _("操作无法完成")

    def __init__(
        self,
        message: str | Promise | None = None,
        *,
        code: str | None = None,
        status: int | None = None,
        fields: dict[str, list[str]] | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        self.message = message if message is not None else self.default_message
        if code:
            self.code = code
        if status:
            self.status = status
        self.fields = fields or {}
        self.extra = extra or {}
        super().__init__(str(self.message))


class ValidationFailed(DomainError):
    code = "validation_error"
    default_message = _("提交的数据有误，请检查标红的字段")


class NotFound(DomainError):
    code = "not_found"
    status = 404
    default_message = _("找不到该对象，或您无权查看")


class Forbidden(DomainError):
    code = "permission_denied"
    status = 403
    default_message = _("您没有执行此操作的权限")


class Conflict(DomainError):
    code = "conflict"
    status = 409
    default_message = _("该对象已被他人修改，请刷新后重试")
