from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission

if TYPE_CHECKING:
    from rest_framework.request import Request
    from rest_framework.views import APIView

from hitsm.accounts.roles import has_role


class PasswordNotExpired(BasePermission):
    """An expired password allows only changing it (views set ``allow_expired_password``)."""

    message = _("密码已过期，请先修改密码")
    code = "auth.password_expired"

    def has_permission(self, request: Request, view: APIView) -> bool:
        if getattr(view, "allow_expired_password", False):
            return True
        user = request.user
        if not user or not user.is_authenticated or request.auth is not None:
            return True  # token clients have no password flow
        return not user.password_expired()


class HasRole(BasePermission):
    roles: tuple[str, ...] = ()

    def has_permission(self, request: Request, view: APIView) -> bool:
        return has_role(request.user, *self.roles)


def role_permission(*roles: str) -> type[BasePermission]:
    return type("HasRole_" + "_".join(roles), (HasRole,), {"roles": roles})
