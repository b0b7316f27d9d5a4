"""Authentication events into the security audit log."""

from __future__ import annotations

from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from hitsm.accounts.models import LoginEventKind, User
from hitsm.accounts.services import login_event_record


@receiver(user_logged_in, dispatch_uid="hitsm_login_audit")
def _logged_in(sender: Any, request: Any, user: User, **kwargs: Any) -> None:
    login_event_record(
        kind=LoginEventKind.LOGIN, username=user.username, user=user, request=request
    )


@receiver(user_logged_out, dispatch_uid="hitsm_logout_audit")
def _logged_out(sender: Any, request: Any, user: User | None, **kwargs: Any) -> None:
    if user is not None:
        login_event_record(
            kind=LoginEventKind.LOGOUT, username=user.username, user=user, request=request
        )


@receiver(user_login_failed, dispatch_uid="hitsm_login_failed_audit")
def _login_failed(
    sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any
) -> None:
    username = str(credentials.get("username", ""))
    login_event_record(
        kind=LoginEventKind.FAILED,
        username=username,
        user=User.objects.filter(username=username).first(),
        request=request,
    )


@receiver(user_locked_out, dispatch_uid="hitsm_locked_audit")
def _locked(sender: Any, request: Any, username: str | None = None, **kwargs: Any) -> None:
    name = username or ""
    login_event_record(
        kind=LoginEventKind.LOCKED,
        username=name,
        user=User.objects.filter(username=name).first(),
        request=request,
    )
