"""Class-specific attributes: turn submitted values into clean, typed JSON, or say what is wrong.

Values are stored in ``ConfigurationItem.attributes`` keyed by attribute code. Each type has one
canonical JSON form (integers as numbers, decimals as strings, dates as ISO strings, IP
addresses normalised) so that equal values compare equal, which unique attributes rely on.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import re
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext as _

from hitsm.cmdb.models import AttributeType, CIAttribute

TRUE_WORDS = {"是", "true", "1", "yes", "y", "t"}
FALSE_WORDS = {"否", "false", "0", "no", "n", "f"}


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def attribute_clean_value(attribute: CIAttribute, value: Any) -> Any:
    """The canonical form of one value; raises ``ValueError`` with a Chinese message."""
    kind = attribute.type
    if isinstance(value, str):
        value = value.strip()
    if kind == AttributeType.TEXT:
        text = str(value)
        if len(text) > 500:
            raise ValueError(_("不能超过 500 个字符"))
        if attribute.pattern and not re.fullmatch(attribute.pattern, text):
            raise ValueError(
                _("格式不正确") + (f"（{attribute.help_text}）" if attribute.help_text else "")
            )
        return text
    if kind == AttributeType.INTEGER:
        if isinstance(value, bool):
            raise ValueError(_("请输入整数"))
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            raise ValueError(_("请输入整数")) from None
        if number != number.to_integral_value():
            raise ValueError(_("请输入整数"))
        return int(number)
    if kind == AttributeType.DECIMAL:
        if isinstance(value, bool):
            raise ValueError(_("请输入数字"))
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            raise ValueError(_("请输入数字")) from None
        if not number.is_finite():
            raise ValueError(_("请输入数字"))
        return str(number.normalize()) if number != 0 else "0"
    if kind == AttributeType.BOOLEAN:
        if isinstance(value, bool):
            return value
        word = str(value).lower()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
        raise ValueError(_("请填写“是”或“否”"))
    if kind == AttributeType.DATE:
        if isinstance(value, dt.datetime):
            return value.date().isoformat()
        if isinstance(value, dt.date):
            return value.isoformat()
        try:
            return dt.date.fromisoformat(str(value).replace("/", "-")).isoformat()
        except ValueError:
            raise ValueError(_("请输入日期，格式如 2026-01-31")) from None
    if kind == AttributeType.CHOICE:
        text = str(value)
        if text not in attribute.choices:
            raise ValueError(_("可选值为：%(choices)s") % {"choices": "、".join(attribute.choices)})
        return text
    if kind == AttributeType.IP_ADDRESS:
        try:
            return str(ipaddress.ip_address(str(value)))
        except ValueError:
            raise ValueError(_("请输入有效的 IP 地址")) from None
    if kind == AttributeType.URL:
        try:
            URLValidator()(str(value))
        except ValidationError:
            raise ValueError(_("请输入有效的网址，如 https://his.example.org")) from None
        return str(value)
    raise ValueError(f"unknown attribute type {kind}")


def attributes_clean(
    attributes: Iterable[CIAttribute], values: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, str]]:
    """Clean every submitted value against the class's attributes.

    Returns ``(clean values, errors by attribute code)``. Empty values are dropped; required
    attributes must be present; unknown codes are errors (a typo must not vanish silently).
    """
    by_code = {attribute.code: attribute for attribute in attributes}
    clean: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for code in values:
        if code not in by_code:
            errors[code] = _("该类型没有此属性")
    for code, attribute in by_code.items():
        value = values.get(code)
        if _empty(value):
            if attribute.required:
                errors[code] = _("必填")
            continue
        try:
            clean[code] = attribute_clean_value(attribute, value)
        except ValueError as exc:
            errors[code] = str(exc)
    return clean, errors


def unique_key(value: Any) -> str:
    """How a unique value is compared: case-insensitive text."""
    return str(value).strip().lower()[:255]
