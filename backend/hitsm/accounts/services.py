"""Writes for users, departments, roles, passwords, tokens and login security."""

from __future__ import annotations

import hashlib
import secrets
import time
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hitsm.accounts.models import (
    ApiToken,
    Department,
    LoginEvent,
    LoginEventKind,
    PasswordHistory,
    User,
    UserSource,
)
from hitsm.accounts.roles import (
    COMMAND_LINE_ROLES,
    OFFICER_ROLES,
    Role,
    forget_roles,
    user_roles,
)
from hitsm.core.changelog import changelog_record
from hitsm.core.errors import ValidationFailed
from hitsm.core.netaddr import client_ip

TOKEN_PREFIX_LEN = 8


def login_event_record(
    *,
    kind: str,
    username: str,
    user: User | None = None,
    request: HttpRequest | None = None,
    detail: str = "",
) -> LoginEvent:
    agent = request.headers.get("User-Agent", "") if request is not None else ""
    return LoginEvent.objects.create(
        kind=kind,
        username=username[:150],
        user=user,
        ip_address=client_ip(request),
        user_agent=agent[:300],
        detail=detail[:300],
    )


SEPARATION_MESSAGE = _("平台管理员、审计管理员和安全管理员须由不同的人担任（三员分立）")
COMMAND_LINE_MESSAGE = _("审计管理员和安全管理员只能在服务器上用 hitsm_user 命令任免")


def roles_break_separation(roles: Iterable[str], *, superuser: bool = False) -> bool:
    """True when the roles would give one account two of the three separated roles."""
    officers = set(roles) & OFFICER_ROLES | ({Role.ADMIN} if superuser else set())
    return len(officers) > 1


def roles_change_command_line_roles(current: Iterable[str], roles: Iterable[str]) -> bool:
    """True when going from ``current`` to ``roles`` grants or revokes the auditor or the
    security officer, which only ``manage.py hitsm_user`` may do."""
    return bool((set(roles) ^ set(current)) & COMMAND_LINE_ROLES)


def ensure_role_groups() -> None:
    for role in Role:
        Group.objects.get_or_create(name=role.value)


@transaction.atomic
def user_set_roles(*, user: User, roles: list[str]) -> User:
    unknown = set(roles) - set(Role.values)
    if unknown:
        raise ValidationFailed(
            fields={"roles": [str(_("未知角色：")) + ", ".join(sorted(unknown))]}
        )
    if roles_break_separation(roles, superuser=user.is_superuser):
        raise ValidationFailed(
            SEPARATION_MESSAGE,
            code="accounts.separation_of_duties",
            fields={"roles": [str(SEPARATION_MESSAGE)]},
        )
    ensure_role_groups()
    before = sorted(user_roles(user))
    groups = list(Group.objects.filter(name__in=roles))
    user.groups.remove(*user.groups.filter(name__in=Role.values).exclude(name__in=roles))
    user.groups.add(*groups)
    forget_roles(user)
    after = sorted(user_roles(user))
    changelog_record(user, action="update", before={"roles": before}, after={"roles": after})
    return user


def user_roles_check_api_change(*, user: User, roles: list[str]) -> None:
    """Refuse granting or revoking the auditor and security-officer roles through the API (and
    the Excel import): otherwise the administrator could appoint their own auditor."""
    if roles_change_command_line_roles(user_roles(user), roles):
        raise ValidationFailed(
            COMMAND_LINE_MESSAGE,
            code="accounts.officer_role_command_line",
            fields={"roles": [str(COMMAND_LINE_MESSAGE)]},
        )


def _check_password(password: str, user: User) -> None:
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        raise ValidationFailed(fields={"password": list(exc.messages)}) from exc


@transaction.atomic
def user_create(
    *,
    username: str,
    display_name: str = "",
    password: str | None = None,
    department: Department | None = None,
    roles: list[str] | None = None,
    source: str = UserSource.LOCAL,
    must_change_password: bool = False,
    **fields: Any,
) -> User:
    user = User(
        username=username,
        display_name=display_name,
        department=department,
        source=source,
        must_change_password=must_change_password,
        **fields,
    )
    if password:
        _check_password(password, user)
        user.set_password(password)
        user.password_changed_at = timezone.now()
    else:
        user.set_unusable_password()
    try:
        user.full_clean(exclude=["password"])
    except ValidationError as exc:
        raise ValidationFailed(fields=exc.message_dict) from exc
    user.save()
    if roles:
        user_set_roles(user=user, roles=roles)
    return user


UPDATABLE_USER_FIELDS = frozenset(
    {
        "display_name",
        "email",
        "employee_no",
        "department",
        "title",
        "phone_ext",
        "mobile",
        "wecom_userid",
        "is_active",
    }
)


@transaction.atomic
def user_update(*, user: User, **changes: Any) -> User:
    illegal = set(changes) - UPDATABLE_USER_FIELDS
    if illegal:
        raise ValueError(f"fields not updatable here: {sorted(illegal)}")
    for name, value in changes.items():
        setattr(user, name, value)
    try:
        user.full_clean(exclude=["password"])
    except ValidationError as exc:
        raise ValidationFailed(fields=exc.message_dict) from exc
    if changes:
        user.save(update_fields=list(changes))
    return user


@transaction.atomic
def user_set_password(
    *,
    user: User,
    new_password: str,
    request: HttpRequest | None = None,
    must_change: bool = False,
) -> User:
    if user.source == UserSource.LDAP:
        raise ValidationFailed(
            _("该账号由 LDAP/AD 统一认证，请在目录服务中修改密码"),
            code="accounts.directory_user",
            fields={"new_password": [str(_("该账号由 LDAP/AD 统一认证，请在目录服务中修改密码"))]},
        )
    _check_password(new_password, user)
    if user.password and user.has_usable_password():
        PasswordHistory.objects.create(user=user, password=user.password)
        keep = settings.PASSWORD_HISTORY
        stale = user.password_history.all()[keep:] if keep else user.password_history.all()
        PasswordHistory.objects.filter(pk__in=[p.pk for p in stale]).delete()
    user.set_password(new_password)
    user.password_changed_at = timezone.now()
    user.must_change_password = must_change
    user.save(update_fields=["password", "password_changed_at", "must_change_password"])
    login_event_record(
        kind=LoginEventKind.PASSWORD_CHANGED, username=user.username, user=user, request=request
    )
    return user


def user_change_own_password(
    *, user: User, old_password: str, new_password: str, request: HttpRequest | None = None
) -> User:
    if not user.check_password(old_password):
        raise ValidationFailed(fields={"old_password": [str(_("当前密码不正确"))]})
    try:
        return user_set_password(user=user, new_password=new_password, request=request)
    except ValidationFailed as exc:
        raise ValidationFailed(fields={"new_password": exc.fields.get("password", [])}) from exc


def user_unlock(*, user: User, request: HttpRequest | None = None) -> None:
    from axes.utils import reset

    reset(username=user.username)
    login_event_record(
        kind=LoginEventKind.UNLOCKED, username=user.username, user=user, request=request
    )


def locked_usernames(usernames: list[str] | None = None) -> set[str]:
    """Usernames locked out right now (axes' failure record within the cool-off time)."""
    from axes.models import AccessAttempt

    attempts = AccessAttempt.objects.filter(
        failures_since_start__gte=settings.AXES_FAILURE_LIMIT,
        attempt_time__gte=timezone.now() - settings.AXES_COOLOFF_TIME,
    )
    if usernames is not None:
        attempts = attempts.filter(username__in=usernames)
    return set(attempts.values_list("username", flat=True))


def user_is_locked(user: User) -> bool:
    return user.username in locked_usernames([user.username])


@transaction.atomic
def department_create(
    *, name: str, code: str, kind: str, parent: Department | None = None, **fields: Any
) -> Department:
    department = Department(name=name, code=code, kind=kind, parent=parent, **fields)
    try:
        department.full_clean()
    except ValidationError as exc:
        raise ValidationFailed(fields=exc.message_dict) from exc
    department.save()
    return department


def department_would_cycle(*, department: Department, parent: Department | None) -> bool:
    node = parent
    while node is not None:
        if node.pk == department.pk:
            return True
        node = node.parent
    return False


def _hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def api_token_create(
    *,
    user: User,
    name: str,
    expires_in_days: int | None = None,
) -> tuple[ApiToken, str]:
    days = expires_in_days or settings.API_TOKEN_MAX_DAYS
    if not 1 <= days <= settings.API_TOKEN_MAX_DAYS:
        raise ValidationFailed(
            fields={
                "expires_in_days": [
                    str(_("有效期须在 1 到 %(n)d 天之间") % {"n": settings.API_TOKEN_MAX_DAYS})
                ]
            }
        )
    key = "hitsm_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name,
        prefix=key[6 : 6 + TOKEN_PREFIX_LEN],
        key_hash=_hash_key(key),
        expires_at=timezone.now() + timedelta(days=days),
    )
    return token, key


def api_token_authenticate(key: str) -> ApiToken | None:
    token = ApiToken.objects.select_related("user").filter(key_hash=_hash_key(key)).first()
    if token is None or not token.is_active or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token


def api_token_revoke(*, token: ApiToken) -> None:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at", "updated_at"])


# Set by WeCom login (hitsm.wecom) when a WeCom account is not bound yet; the next password
# login in that browser within ten minutes binds it.
WECOM_PENDING_BIND = "wecom_pending_userid"
WECOM_BIND_SECONDS = 600


def wecom_account_bind(*, user: User, userid: str, at: object = None) -> bool:
    """Bind a WeCom account to the user who just proved who they are with their password.
    Refused when it is stale, the user has one already, or another user holds it."""
    if not userid or not isinstance(at, int | float) or time.time() - at > WECOM_BIND_SECONDS:
        return False
    if user.wecom_userid or User.objects.filter(wecom_userid=userid).exists():
        return False
    user.wecom_userid = userid[:64]
    user.save(update_fields=["wecom_userid"])
    return True
