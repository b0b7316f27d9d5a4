"""Masking of personal numbers (phone and mobile numbers, ID-card numbers) for viewers who need
not see them (等保2.0 level 3, 个人信息保护法; the rule is in docs/admin/security.md).

One mechanism for the whole platform:

* a model names its sensitive fields in ``sensitive_fields`` (field name → kind);
* :func:`mask_value` masks one value by kind, through :func:`mask_phone` or
  :func:`mask_id_number` — nothing else slices these numbers;
* :class:`SensitiveFieldsMixin` masks a serializer's output unless
  ``reveals_sensitive(instance)`` says this viewer may see the full values; the rule itself (who
  is "the person themself" or "handling the ticket") lives with the domain's selectors;
* exports call the same rule and :func:`mask_value` per row.

The change log stores masked values of sensitive fields (:func:`hitsm.core.changelog.snapshot`)
with a fingerprint, so the audit trail still shows that a number changed.
"""

from __future__ import annotations

import re
from typing import Any

PHONE = "phone"
ID_NUMBER = "id_number"
MASK_CHAR = "*"
_MOBILE_RE = re.compile(r"^\+?(86)?1\d{10}$")


def _keep(text: str, head: int, tail: int) -> str:
    return text[:head] + MASK_CHAR * (len(text) - head - tail) + (text[-tail:] if tail else "")


def mask_phone(value: Any) -> str:
    """``13812345678`` → ``138****5678``; a landline of 7–10 characters keeps 2 + 2; shorter
    values (an extension, a stray word) are masked whole. Empty stays empty."""
    text = "" if value is None else str(value).strip()
    if len(text) >= 11:
        return _keep(text, 3, 4)
    if len(text) >= 7:
        return _keep(text, 2, 2)
    return MASK_CHAR * len(text)


def mask_id_number(value: Any) -> str:
    """``110101199001011234`` → ``1101**********1234`` (the region and the last four stay);
    8–14 characters keep 2 + 2; shorter values (such as "the last four digits") are masked
    whole. Empty stays empty."""
    text = "" if value is None else str(value).strip()
    if len(text) >= 15:
        return _keep(text, 4, 4)
    if len(text) >= 8:
        return _keep(text, 2, 2)
    return MASK_CHAR * len(text)


def mask_sensitive_text(value: Any) -> str:
    """A form answer marked sensitive: a mobile number as a phone, anything else as an ID."""
    text = "" if value is None else str(value).strip()
    if _MOBILE_RE.match(re.sub(r"[\s-]", "", text)):
        return mask_phone(text)
    return mask_id_number(text)


MASKERS = {PHONE: mask_phone, ID_NUMBER: mask_id_number}


def mask_value(kind: str, value: Any) -> Any:
    """Mask one value of the given kind; ``None`` and non-text containers pass through."""
    if value is None or value == "":
        return value
    if isinstance(value, list | dict):
        return value
    return MASKERS.get(kind, mask_sensitive_text)(value)


def sensitive_fields_of(model: Any) -> dict[str, str]:
    return dict(getattr(model, "sensitive_fields", {}) or {})


def _mask_path(data: Any, path: list[str], kind: str) -> None:
    if isinstance(data, list):
        for item in data:
            _mask_path(item, path, kind)
        return
    if not isinstance(data, dict) or path[0] not in data:
        return
    if len(path) == 1:
        data[path[0]] = mask_value(kind, data[path[0]])
    else:
        _mask_path(data[path[0]], path[1:], kind)


class SensitiveFieldsMixin:
    """Masks the model's ``sensitive_fields`` (and ``Meta.extra_sensitive_fields``, dotted paths
    into nested output such as ``requester.mobile``) unless :meth:`reveals_sensitive` is true.

    Subclasses decide :meth:`reveals_sensitive` from ``self.context["request"].user``; with no
    request in the context (internal use) the values are masked.
    """

    def reveals_sensitive(self, instance: Any) -> bool:
        return False

    def viewer(self) -> Any:
        request = getattr(self, "context", {}).get("request")
        return getattr(request, "user", None)

    def sensitive_paths(self) -> dict[str, str]:
        meta = getattr(self, "Meta", None)
        paths = sensitive_fields_of(getattr(meta, "model", None))
        paths.update(getattr(meta, "extra_sensitive_fields", {}) or {})
        return paths

    def mask_representation(self, instance: Any, data: dict[str, Any]) -> dict[str, Any]:
        if self.reveals_sensitive(instance):
            return data
        for path, kind in self.sensitive_paths().items():
            _mask_path(data, path.split("."), kind)
        return data

    def to_representation(self, instance: Any) -> Any:
        data = super().to_representation(instance)  # type: ignore[misc]
        return self.mask_representation(instance, data)
