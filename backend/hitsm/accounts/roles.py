"""Roles are Django groups with fixed codes; labels live in the front-end locales too."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    REQUESTER = "requester", _("医护人员")
    AGENT = "agent", _("服务台坐席")
    ENGINEER = "engineer", _("工程师")
    SYSADMIN = "sysadmin", _("系统管理员")
    MANAGER = "manager", _("IT 主管")
    ADMIN = "admin", _("平台管理员")


IT_STAFF = frozenset({Role.AGENT, Role.ENGINEER, Role.SYSADMIN, Role.MANAGER, Role.ADMIN})


def user_roles(user: Any) -> frozenset[str]:
    """The user's role codes, cached on the instance for the request."""
    if user is None or not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_hitsm_roles", None)
    if cached is None:
        valid = set(Role.values)
        cached = frozenset(
            name for name in user.groups.values_list("name", flat=True) if name in valid
        )
        if user.is_superuser:
            cached = cached | {Role.ADMIN}
        user._hitsm_roles = cached
    return frozenset(cached)


def has_role(user: Any, *roles: str) -> bool:
    return bool(user_roles(user) & set(roles))


def forget_roles(user: Any) -> None:
    if hasattr(user, "_hitsm_roles"):
        del user._hitsm_roles
