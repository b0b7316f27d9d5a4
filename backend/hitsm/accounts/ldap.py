"""Sign-in against the hospital's LDAP / Active Directory, through django-python3-ldap.

``HospitalLDAPBackend`` sits after axes and ``ModelBackend`` in ``AUTHENTICATION_BACKENDS``.
django-python3-ldap binds as the user, finds the entry, and creates or updates the local user
with the hooks below (named by dotted path in settings):

* :func:`format_username` — the bind name: ``DOMAIN\\user`` for AD, ``uid=user,<base>`` otherwise;
* :func:`format_search_filters` — the entry search, narrowed by ``LDAP_USER_FILTER``;
* :func:`clean_user_data` — tidies the mapped attributes, marks the user ``source=ldap``;
* :func:`sync_user_relations` — ``cn`` fallback, department, default role, unusable password.

A local (non-LDAP) account is never taken over by a directory entry with the same username,
and a directory that cannot be reached (down, or its certificate fails verification) is reported
as such (``auth.directory_unavailable``, 503) instead of as a wrong password, so an outage neither
misleads users nor locks them out.
"""

from __future__ import annotations

import contextlib
import logging
from typing import Any

import ldap3
from asgiref.sync import sync_to_async
from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_variables
from django_python3_ldap import utils
from django_python3_ldap.auth import LDAPBackend
from django_python3_ldap.conf import settings as ldap_settings
from ldap3.core.exceptions import LDAPException

from hitsm.accounts.models import Department, LoginEventKind, User, UserSource
from hitsm.accounts.roles import Role
from hitsm.accounts.services import login_event_record, user_set_roles
from hitsm.core.context import acting_as
from hitsm.core.errors import DomainError

logger = logging.getLogger(__name__)


class DirectoryUnavailable(DomainError):
    code = "auth.directory_unavailable"
    status = 503
    default_message = _(
        "暂时无法连接统一身份认证（LDAP/AD）服务器，请稍后再试；如持续出现请联系信息管理处。"
    )


def _local_account(username: str) -> User | None:
    """The non-LDAP account a directory entry called ``username`` must not take over."""
    return User.objects.filter(username__iexact=username).exclude(source=UserSource.LDAP).first()


def _server(url: str) -> ldap3.Server:
    """A server the way django-python3-ldap builds it, so a probe meets the same TLS checks."""
    server_args: dict[str, Any] = {
        "get_info": ldap3.NONE,
        "connect_timeout": ldap_settings.LDAP_AUTH_CONNECT_TIMEOUT,
        "use_ssl": ldap_settings.LDAP_AUTH_CONNECT_USE_SSL,
        **ldap_settings.LDAP_AUTH_CONNECT_ARGS,
    }
    if ldap_settings.LDAP_AUTH_USE_TLS:
        server_args["tls"] = ldap3.Tls(
            ciphers=ldap_settings.LDAP_AUTH_TLS_CIPHERS,
            version=ldap_settings.LDAP_AUTH_TLS_VERSION,
            **ldap_settings.LDAP_AUTH_TLS_ARGS,
        )
    return ldap3.Server(url, **server_args)


def directory_reachable() -> bool:
    """True when a configured server accepts a connection, TLS included (no bind)."""
    urls = ldap_settings.LDAP_AUTH_URL
    for url in [urls] if isinstance(urls, str) else urls:
        connection = ldap3.Connection(
            _server(url), receive_timeout=ldap_settings.LDAP_AUTH_RECEIVE_TIMEOUT
        )
        try:
            connection.open(read_server_info=False)
            if ldap_settings.LDAP_AUTH_USE_TLS:
                connection.start_tls(read_server_info=False)
            return True
        except LDAPException as exc:
            logger.warning("LDAP server %s unusable: %s", url, exc)
        finally:
            with contextlib.suppress(LDAPException, OSError):
                connection.unbind()
    return False


class HospitalLDAPBackend(LDAPBackend):
    """django-python3-ldap's backend with HITSM's guards around it."""

    @sensitive_variables("password")
    def authenticate(
        self,
        request: HttpRequest | None = None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        if not username or not password:
            return None
        if _local_account(username) is not None:
            # Refused before any traffic: a local password is never sent to the directory.
            logger.warning(
                "LDAP sign-in refused for %r: a local account has that username", username
            )
            return None
        try:
            with acting_as(label="ldap"):  # the change log shows the directory made the changes
                user = super().authenticate(request, username=username, password=password)
        except LDAPException as exc:  # e.g. unbind on a socket a failed StartTLS closed
            logger.warning("LDAP sign-in for %r failed: %s", username, exc)
            user = None
        if user is None:
            if not directory_reachable():
                self._directory_down(request, username)
            return None
        if user.source != UserSource.LDAP or not self.user_can_authenticate(user):
            return None
        return user

    async def aauthenticate(self, request: HttpRequest | None = None, **credentials: Any) -> Any:
        # The parent's async path calls django-python3-ldap directly and would skip the guards.
        return await sync_to_async(self.authenticate)(request, **credentials)

    @staticmethod
    def _directory_down(request: HttpRequest | None, username: str) -> None:
        logger.error("LDAP sign-in for %r failed: no directory server usable", username)
        login_event_record(
            kind=LoginEventKind.FAILED,
            username=username,
            user=User.objects.filter(username__iexact=username).first(),
            request=request,
            detail="LDAP/AD directory unreachable",
        )
        # Raised, not returned as None: a failed authenticate() would count toward the lockout
        # although no password was checked, and the user would be told it was wrong.
        raise DirectoryUnavailable()


# --- django-python3-ldap hooks (dotted paths in settings) -----------------------------------


def format_username(model_fields: dict[str, str]) -> str:
    """The name to bind with, for a user and for the configured service account."""
    username = model_fields["username"]
    service_account = ldap_settings.LDAP_AUTH_CONNECTION_USERNAME
    if service_account and username == service_account and any(c in username for c in "=@\\"):
        return username  # the service account is given as a full DN, UPN or DOMAIN\name
    if ldap_settings.LDAP_AUTH_ACTIVE_DIRECTORY_DOMAIN:
        return str(utils.format_username_active_directory(model_fields))
    return str(utils.format_username_openldap(model_fields))


def format_search_filters(ldap_fields: dict[str, str]) -> list[str]:
    filters = list(utils.format_search_filters(ldap_fields))
    if settings.LDAP_USER_FILTER:
        filters.append(settings.LDAP_USER_FILTER)
    return filters


def _field_max_length(name: str) -> int | None:
    return getattr(User._meta.get_field(name), "max_length", None)


def clean_user_data(model_fields: dict[str, Any]) -> dict[str, Any]:
    """Tidy what the directory sent; the result goes to ``update_or_create(defaults=...)``.

    An attribute the directory did not send is left out, so the local value stays as it is.
    """
    username = str(model_fields["username"]).strip().lower()
    local = _local_account(username)
    if local is not None:
        # Point the lookup at the local row and change nothing; sync_user_relations and the
        # backend then see source != ldap and leave the account alone.
        logger.warning("LDAP entry %r not synced: a local account has that username", username)
        return {"username": local.username}
    known = User.objects.filter(username__iexact=username, source=UserSource.LDAP).first()
    if known is not None:
        username = known.username  # one row per person, whatever case it was first stored in
    cleaned: dict[str, Any] = {"username": username, "source": UserSource.LDAP}
    for name, raw in model_fields.items():
        if name == "username":
            continue
        value = (raw.decode(errors="replace") if isinstance(raw, bytes) else str(raw)).strip()
        if not value:
            continue
        max_length = _field_max_length(name)
        cleaned[name] = value[:max_length] if max_length else value
    employee_no = cleaned.get("employee_no")
    if employee_no and (
        User.objects.filter(employee_no=employee_no).exclude(username__iexact=username).exists()
    ):
        logger.warning(
            "LDAP entry %r: employee number %r already belongs to another user; not synced",
            username,
            employee_no,
        )
        del cleaned["employee_no"]
    return cleaned


def _values(attributes: dict[str, Any], name: str) -> list[str]:
    raw = attributes.get(name)
    if raw is None:
        return []
    items = raw if isinstance(raw, list | tuple) else [raw]
    values = [
        (item.decode(errors="replace") if isinstance(item, bytes) else str(item)).strip()
        for item in items
    ]
    return [value for value in values if value]


def _department_for(attributes: dict[str, Any]) -> Department | None:
    attribute = settings.LDAP_DEPARTMENT_ATTRIBUTE
    codes = _values(attributes, attribute) if attribute else []
    if not codes:
        return None
    by_code = {d.code: d for d in Department.objects.filter(code__in=codes)}
    for code in codes:
        if code in by_code:
            return by_code[code]
    logger.info("LDAP %s %r matches no department code; department unchanged", attribute, codes)
    return None


def sync_user_relations(
    user: User, ldap_attributes: dict[str, Any], *, connection: Any = None, dn: Any = None
) -> None:
    """Everything the plain field mapping cannot do, after the user row is written."""
    if user.source != UserSource.LDAP:
        return  # a local account with the same username: see clean_user_data
    changed: list[str] = []
    if not _values(ldap_attributes, "displayName"):
        display_name = next(iter(_values(ldap_attributes, "cn")), "")
        display_name = display_name[: _field_max_length("display_name")]
        if display_name and display_name != user.display_name:
            user.display_name = display_name
            changed.append("display_name")
    department = _department_for(ldap_attributes)
    if department is not None and department.pk != user.department_id:
        user.department = department
        changed.append("department")
    if user.has_usable_password():
        # The directory owns the password; a local one would let ModelBackend bypass it.
        user.set_unusable_password()
        changed.append("password")
    if changed:
        user.save(update_fields=changed)
    if user.last_login is None and not user.groups.filter(name__in=Role.values).exists():
        # New to HITSM; later, the roles admins give are kept as they are.
        user_set_roles(user=user, roles=[settings.LDAP_DEFAULT_ROLE])
