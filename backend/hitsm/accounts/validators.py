"""Password rules for 等保2.0 level 3: length (settings), character classes, no reuse."""

from __future__ import annotations

import re
from typing import Any

from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

_CLASSES = (
    (re.compile(r"[a-z]"), "lower"),
    (re.compile(r"[A-Z]"), "upper"),
    (re.compile(r"[0-9]"), "digit"),
    (re.compile(r"[^A-Za-z0-9]"), "symbol"),
)


class MinimumLengthValidator:
    def __init__(self, min_length: int = 10) -> None:
        self.min_length = min_length

    def validate(self, password: str, user: Any = None) -> None:
        if len(password) < self.min_length:
            raise ValidationError(
                _("密码至少 %(n)d 位") % {"n": self.min_length}, code="password_too_short"
            )

    def get_help_text(self) -> str:
        return _("密码至少 %(n)d 位") % {"n": self.min_length}


class ComplexityValidator:
    def __init__(self, min_classes: int = 3) -> None:
        self.min_classes = min_classes

    def validate(self, password: str, user: Any = None) -> None:
        present = sum(1 for pattern, _name in _CLASSES if pattern.search(password))
        if present < self.min_classes:
            raise ValidationError(
                _("密码须包含大写字母、小写字母、数字、符号中的至少 %(n)d 类")
                % {"n": self.min_classes},
                code="password_too_simple",
            )

    def get_help_text(self) -> str:
        return _("密码须包含大写字母、小写字母、数字、符号中的至少 %(n)d 类") % {
            "n": self.min_classes
        }


class HistoryValidator:
    def __init__(self, depth: int = 5) -> None:
        self.depth = depth

    def validate(self, password: str, user: Any = None) -> None:
        if not self.depth or user is None or not getattr(user, "pk", None):
            return
        if user.password and check_password(password, user.password):
            raise ValidationError(_("新密码不能与当前密码相同"), code="password_reused")
        recent = user.password_history.all()[: self.depth]
        if any(check_password(password, item.password) for item in recent):
            raise ValidationError(
                _("新密码不能与最近 %(n)d 次使用过的密码相同") % {"n": self.depth},
                code="password_reused",
            )

    def get_help_text(self) -> str:
        return _("不能重复使用最近 %(n)d 次的密码") % {"n": self.depth}
