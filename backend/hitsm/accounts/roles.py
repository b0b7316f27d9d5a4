"""Roles are Django groups with fixed codes; labels live in the front-end locales too.

三员分立 (等保2.0 level 3): the platform administrator, the auditor and the security officer are
three different people. One account holds at most one of those roles (``OFFICER_ROLES``,
enforced by ``hitsm.accounts.services.user_set_roles``); the auditor alone reads the audit log,
and the administrator cannot (``can_read_audit_log``). docs/admin/security.md has the table.
"""

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
    AUDITOR = "auditor", _("审计管理员")
    SECURITY_OFFICER = "security_officer", _("安全管理员")


IT_STAFF = frozenset({Role.AGENT, Role.ENGINEER, Role.SYSADMIN, Role.MANAGER, Role.ADMIN})
# The three separated roles: an account holds at most one of them.
OFFICER_ROLES = frozenset({Role.ADMIN, Role.AUDITOR, Role.SECURITY_OFFICER})
# Granted and revoked only on the server's command line (``manage.py hitsm_user``), never by the
# administrator through the API: otherwise the administrator could appoint their own auditor.
COMMAND_LINE_ROLES = frozenset({Role.AUDITOR, Role.SECURITY_OFFICER})


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


def can_read_audit_log(user: Any) -> bool:
    """Auditors, and no administrator: a superuser counts as one even with the auditor group."""
    roles = user_roles(user)
    return Role.AUDITOR in roles and Role.ADMIN not in roles
