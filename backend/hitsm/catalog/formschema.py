"""The catalog form schema: checking a schema, validating a submission, displaying the answers.

One JSON schema (docs/catalog.md) is drawn by the designer and rendered by the web app and the
H5 portal (frontend/packages/api/src/forms/); this module is the authority. A submission is
never trusted: every value is checked against the published version the ticket uses, hidden
fields must stay empty, ids must name rows that exist, and the cleaned data is what is stored.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from hitsm.core.masking import mask_sensitive_text

FIELD_TYPES = (
    "section",
    "text",
    "textarea",
    "number",
    "select",
    "radio",
    "checkbox",
    "date",
    "time",
    "datetime",
    "user",
    "department",
    "ci",
    "file",
    "image",
    "table",
)
COLUMN_TYPES = frozenset(FIELD_TYPES) - {"section", "table", "file", "image"}
OPTION_TYPES = frozenset({"select", "radio", "checkbox"})
REFERENCE_TYPES = {"user": "users", "department": "departments", "ci": "cis"}
FILE_TYPES = frozenset({"file", "image"})
# Fields a designer may mark ``sensitive`` (ID-card numbers, mobile numbers, ID scans): their
# answers are masked for viewers not handling the ticket (hitsm.core.masking).
SENSITIVE_TYPES = frozenset({"text", "textarea", "number", "file", "image"})
OPERATORS = frozenset({"eq", "ne", "in", "not_in", "gt", "gte", "lt", "lte", "filled", "empty"})
KEY_RE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
MAX_FIELDS = 80
MAX_OPTIONS = 200
MAX_COLUMNS = 12
MAX_ROWS = 200
MAX_TEXT = 500
MAX_TEXTAREA = 5000
MAX_FILES = 10
DEFAULT_MAX_FILES = 3


class SchemaInvalid(Exception):
    def __init__(self, problems: dict[str, list[str]]) -> None:
        self.problems = problems
        super().__init__(problems)


# --- checking a schema (designer save / publish) --------------------------------------------


def _options(spec: Mapping[str, Any]) -> list[str]:
    return [str(o.get("value")) for o in spec.get("options") or [] if isinstance(o, Mapping)]


def _check_field(
    spec: Any, path: str, problems: dict[str, list[str]], *, column: bool, earlier: dict[str, Any]
) -> None:
    def bad(where: str, message: str) -> None:
        problems.setdefault(f"{path}.{where}" if where else path, []).append(message)

    if not isinstance(spec, Mapping):
        bad("", _("字段定义必须是对象"))
        return
    kind = spec.get("type")
    if kind not in FIELD_TYPES or (column and kind not in COLUMN_TYPES):
        bad("type", _("表格列不能是这种类型") if column else _("未知的字段类型"))
        return
    key = spec.get("key")
    if not isinstance(key, str) or not KEY_RE.match(key):
        bad("key", _("字段标识须以小写字母开头，只含小写字母、数字和下划线，最长40个字符"))
    label = spec.get("label")
    if not isinstance(label, str) or not label.strip() or len(label) > 60:
        bad("label", _("请填写字段名称（最多60个字符）"))
    for name, limit in (("help", 200), ("placeholder", 60), ("unit", 12), ("pattern_message", 60)):
        value = spec.get(name)
        if value is not None and (not isinstance(value, str) or len(value) > limit):
            bad(name, _("最多%(n)s个字符") % {"n": limit})
    for name in ("min", "max", "min_rows", "max_rows"):
        value = spec.get(name)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int | float)):
            bad(name, _("须为数字"))
    if kind in OPTION_TYPES or kind == "select":
        source = spec.get("source")
        options = spec.get("options") or []
        if source and kind == "select":
            if not isinstance(source, Mapping) or source.get("kind") not in (
                "users",
                "departments",
                "cis",
            ):
                bad("source", _("数据来源无效"))
        elif not isinstance(options, list) or not options:
            bad("options", _("请至少添加一个选项"))
        else:
            values = []
            for index, option in enumerate(options[: MAX_OPTIONS + 1]):
                if (
                    not isinstance(option, Mapping)
                    or not str(option.get("value") or "").strip()
                    or not str(option.get("label") or "").strip()
                ):
                    bad(f"options.{index}", _("选项须有值和名称"))
                else:
                    values.append(str(option["value"]))
            if len(options) > MAX_OPTIONS:
                bad("options", _("选项最多%(n)s个") % {"n": MAX_OPTIONS})
            if len(set(values)) != len(values):
                bad("options", _("选项的值不能重复"))
    sensitive = spec.get("sensitive", False)
    if not isinstance(sensitive, bool):
        bad("sensitive", _("须为是或否"))
    elif sensitive and kind not in SENSITIVE_TYPES:
        bad("sensitive", _("只有文本、数字和附件字段可以标为敏感"))
    if kind == "number":
        precision = spec.get("precision", 0)
        if not isinstance(precision, int) or isinstance(precision, bool) or not 0 <= precision <= 6:
            bad("precision", _("小数位数须在0到6之间"))
    if spec.get("pattern"):
        try:
            re.compile(spec["pattern"])
        except (re.error, TypeError):
            bad("pattern", _("正则表达式无效"))
    if kind in FILE_TYPES:
        count = spec.get("max_files", DEFAULT_MAX_FILES)
        if not isinstance(count, int) or not 1 <= count <= MAX_FILES:
            bad("max_files", _("附件个数须在1到%(n)s之间") % {"n": MAX_FILES})
    if kind == "table":
        columns = spec.get("columns")
        if not isinstance(columns, list) or not columns:
            bad("columns", _("表格至少需要一列"))
        elif len(columns) > MAX_COLUMNS:
            bad("columns", _("表格最多%(n)s列") % {"n": MAX_COLUMNS})
        else:
            seen: set[str] = set()
            for index, column_spec in enumerate(columns):
                _check_field(
                    column_spec, f"{path}.columns.{index}", problems, column=True, earlier={}
                )
                column_key = column_spec.get("key") if isinstance(column_spec, Mapping) else None
                if column_key in seen:
                    bad(f"columns.{index}.key", _("列标识重复"))
                seen.add(str(column_key))
    condition = spec.get("visible_when")
    if condition and not column:
        _check_condition(condition, earlier, bad)
    if "default" in spec and spec["default"] not in (None, "", []) and kind not in FILE_TYPES:
        try:
            _clean_value(spec, spec["default"], refs=None)
        except _Invalid as error:
            bad("default", _("默认值无效：%(e)s") % {"e": error.message})


def _check_condition(
    condition: Any, earlier: dict[str, Any], bad: Callable[[str, str], None]
) -> None:
    if not isinstance(condition, Mapping) or condition.get("match", "all") not in ("all", "any"):
        bad("visible_when", _("显示条件无效"))
        return
    rules = condition.get("rules")
    if not isinstance(rules, list) or not rules:
        bad("visible_when", _("显示条件至少需要一条规则"))
        return
    for index, rule in enumerate(rules):
        where = f"visible_when.rules.{index}"
        if not isinstance(rule, Mapping):
            bad(where, _("规则无效"))
            continue
        if rule.get("field") not in earlier:
            bad(f"{where}.field", _("条件只能引用排在前面的字段"))
        if rule.get("op") not in OPERATORS:
            bad(f"{where}.op", _("未知的比较方式"))
        elif rule["op"] in ("in", "not_in") and not isinstance(rule.get("value"), list):
            bad(f"{where}.value", _("“属于”需要一组值"))


def schema_check(schema: Any) -> dict[str, Any]:
    """The schema, normalised; raises :class:`SchemaInvalid` with problems keyed by path
    (``fields.3.options``)."""
    problems: dict[str, list[str]] = {}
    if not isinstance(schema, Mapping) or not isinstance(schema.get("fields"), list):
        raise SchemaInvalid({"": [_("表单定义须包含字段列表")]})
    fields = schema["fields"]
    if len(fields) > MAX_FIELDS:
        raise SchemaInvalid({"fields": [_("一个表单最多%(n)s个字段") % {"n": MAX_FIELDS}]})
    earlier: dict[str, Any] = {}
    for index, spec in enumerate(fields):
        _check_field(spec, f"fields.{index}", problems, column=False, earlier=earlier)
        key = spec.get("key") if isinstance(spec, Mapping) else None
        if isinstance(key, str):
            if key in earlier:
                problems.setdefault(f"fields.{index}.key", []).append(_("字段标识重复"))
            if spec.get("type") != "section":
                earlier[key] = spec
    if problems:
        raise SchemaInvalid(problems)
    return {"fields": [dict(spec) for spec in fields]}


# --- validating a submission ----------------------------------------------------------------


class _Invalid(Exception):
    def __init__(self, message: str) -> None:
        self.message = message


Resolver = Callable[[str, set[int], Mapping[str, Any]], dict[int, str]]


@dataclass
class _Refs:
    """Ids each reference field used, checked against the database in one query per kind."""

    wanted: list[tuple[str, str, Mapping[str, Any], int]] = field(default_factory=list)

    def add(self, path: str, spec: Mapping[str, Any], value: int) -> None:
        self.wanted.append((path, _source_kind(spec), spec, value))


def _source_kind(spec: Mapping[str, Any]) -> str:
    if spec["type"] in REFERENCE_TYPES:
        return REFERENCE_TYPES[spec["type"]]
    return str((spec.get("source") or {}).get("kind"))


def _is_reference(spec: Mapping[str, Any]) -> bool:
    return spec["type"] in REFERENCE_TYPES or bool(spec["type"] == "select" and spec.get("source"))


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def _number(spec: Mapping[str, Any], value: Any) -> int | float:
    if isinstance(value, bool):
        raise _Invalid(_("请输入数字"))
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise _Invalid(_("请输入数字")) from None
    if not number.is_finite():
        raise _Invalid(_("请输入数字"))
    precision = int(spec.get("precision") or 0)
    try:
        exact = number == number.quantize(Decimal(1).scaleb(-precision))
    except InvalidOperation:  # more digits than the context holds
        raise _Invalid(_("数值过大")) from None
    if not exact:
        raise _Invalid(
            _("只能是整数") if precision == 0 else _("最多%(n)s位小数") % {"n": precision}
        )
    if spec.get("min") is not None and number < Decimal(str(spec["min"])):
        raise _Invalid(_("不能小于 %(n)s") % {"n": spec["min"]})
    if spec.get("max") is not None and number > Decimal(str(spec["max"])):
        raise _Invalid(_("不能大于 %(n)s") % {"n": spec["max"]})
    return int(number) if precision == 0 else float(number)


def _text(spec: Mapping[str, Any], value: Any, limit: int) -> str:
    if not isinstance(value, str | int | float) or isinstance(value, bool):
        raise _Invalid(_("请输入文字"))
    text = str(value).strip()
    low, high = spec.get("min"), min(spec.get("max") or limit, limit)
    if low is not None and len(text) < low:
        raise _Invalid(_("至少%(n)s个字") % {"n": low})
    if len(text) > high:
        raise _Invalid(_("最多%(n)s个字") % {"n": high})
    if spec.get("pattern") and not re.fullmatch(spec["pattern"], text):
        raise _Invalid(spec.get("pattern_message") or _("格式不正确"))
    return text


def _choice(spec: Mapping[str, Any], value: Any) -> str:
    if not isinstance(value, str | int) or isinstance(value, bool):
        raise _Invalid(_("请选择列表中的选项"))
    if str(value) not in _options(spec):
        raise _Invalid(_("“%(v)s”不是可选项") % {"v": value})
    return str(value)


def _id(value: Any) -> int:
    if isinstance(value, bool):
        raise _Invalid(_("请从列表中选择"))
    if isinstance(value, int) and value > 0:
        return value
    if isinstance(value, str) and value.isdigit() and int(value) > 0:
        return int(value)
    raise _Invalid(_("请从列表中选择"))


def _listed(value: Any) -> list[Any]:
    if not isinstance(value, list):
        raise _Invalid(_("须为多个值的列表"))
    return value


def _clean_value(spec: Mapping[str, Any], value: Any, *, refs: _Refs | None, path: str = "") -> Any:
    kind = spec["type"]
    if kind == "text":
        return _text(spec, value, MAX_TEXT)
    if kind == "textarea":
        return _text(spec, value, MAX_TEXTAREA)
    if kind == "number":
        return _number(spec, value)
    if kind == "radio" or (kind == "select" and not spec.get("source")):
        if spec.get("multiple") and kind == "select":
            values = [_choice(spec, v) for v in _listed(value)]
            return list(dict.fromkeys(values))
        return _choice(spec, value)
    if kind == "checkbox":
        return list(dict.fromkeys(_choice(spec, v) for v in _listed(value)))
    if _is_reference(spec):
        ids = [_id(v) for v in _listed(value)] if spec.get("multiple") else [_id(value)]
        ids = list(dict.fromkeys(ids))
        if refs is not None:
            for one in ids:
                refs.add(path, spec, one)
        return ids if spec.get("multiple") else ids[0]
    if kind in ("date", "time", "datetime"):
        if not isinstance(value, str):
            raise _Invalid(_("日期时间格式不正确"))
        text = value.strip()
        try:
            if kind == "date":
                return date.fromisoformat(text).isoformat()
            if kind == "time":
                return time.fromisoformat(text).strftime("%H:%M")
            parsed = datetime.fromisoformat(text.replace(" ", "T"))
            if parsed.tzinfo is not None:
                raise ValueError(text)
            return parsed.strftime("%Y-%m-%dT%H:%M")
        except ValueError:
            raise _Invalid(
                {
                    "date": _("日期格式应为 YYYY-MM-DD"),
                    "time": _("时间格式应为 HH:MM"),
                    "datetime": _("时间格式应为 YYYY-MM-DD HH:MM"),
                }[kind]
            ) from None
    raise _Invalid(_("该字段不能填写"))


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _same(left: Any, right: Any) -> bool:
    """Numbers compare as numbers (3.0 equals 3); everything else as text (option values)."""
    if _is_number(left) and (_is_number(right) or isinstance(right, str)):
        try:
            return float(left) == float(right)
        except ValueError:
            return False
    return str(left) == str(right)


def _compare(op: str, left: Any, right: Any) -> bool:
    if op == "filled":
        return not _empty(left)
    if op == "empty":
        return _empty(left)
    if _empty(left):
        return op in ("ne", "not_in")
    if op in ("eq", "ne"):
        hit = any(_same(v, right) for v in left) if isinstance(left, list) else _same(left, right)
        return hit if op == "eq" else not hit
    if op in ("in", "not_in"):
        pool = {str(v) for v in right} if isinstance(right, list) else set()
        members = {str(v) for v in left} if isinstance(left, list) else {str(left)}
        hit = bool(members & pool)
        return hit if op == "in" else not hit
    try:
        if isinstance(left, int | float) and not isinstance(left, bool):
            a, b = float(left), float(right)
            return {"gt": a > b, "gte": a >= b, "lt": a < b, "lte": a <= b}[op]
        sa, sb = str(left), str(right)
        return {"gt": sa > sb, "gte": sa >= sb, "lt": sa < sb, "lte": sa <= sb}[op]
    except (TypeError, ValueError, KeyError):
        return False


def field_visible(spec: Mapping[str, Any], values: Mapping[str, Any], hidden: set[str]) -> bool:
    condition = spec.get("visible_when")
    if not condition:
        return True
    results = [
        rule.get("field") not in hidden
        and _compare(rule.get("op", "eq"), values.get(rule.get("field")), rule.get("value"))
        for rule in condition.get("rules") or []
    ]
    return any(results) if condition.get("match") == "any" else all(results)


@dataclass
class Submission:
    """A validated submission: the cleaned values, and the uploaded files per file field."""

    data: dict[str, Any]
    files: dict[str, list[Any]]


def form_validate(
    schema: Mapping[str, Any],
    data: Any,
    *,
    files: Mapping[str, list[Any]] | None = None,
    resolver: Resolver | None = None,
) -> Submission:
    """Validate ``data`` (and the files uploaded for file fields) against a published schema.

    Raises :class:`hitsm.core.errors.ValidationFailed` with field errors keyed ``form_data.<key>``
    (table cells ``form_data.<key>.<row>.<column>``). ``resolver`` checks referenced ids (users,
    departments, CIs); without it they are only checked for shape.
    """
    from hitsm.core.errors import ValidationFailed

    files = dict(files or {})
    errors: dict[str, list[str]] = {}

    def fail(path: str, message: str) -> None:
        errors.setdefault(f"form_data.{path}", []).append(message)

    if data is None:
        data = {}
    if not isinstance(data, Mapping):
        raise ValidationFailed(fields={"form_data": [_("表单数据须为对象")]})
    specs = list(schema.get("fields", []))
    known = {s["key"] for s in specs if s["type"] != "section"}
    for key in data:
        if key not in known:
            fail(str(key), _("表单中没有这个字段"))
    for key in files:
        spec = next((s for s in specs if s["key"] == key), None)
        if spec is None or spec["type"] not in FILE_TYPES:
            fail(str(key), _("该字段不接受文件"))
    cleaned: dict[str, Any] = {}
    kept_files: dict[str, list[Any]] = {}
    hidden: set[str] = set()
    refs = _Refs()
    for spec in specs:
        key, kind = spec["key"], spec["type"]
        if kind == "section":
            continue
        raw = data.get(key)
        uploaded = files.get(key) or []
        if not field_visible(spec, cleaned, hidden):
            hidden.add(key)
            if not _empty(raw) or uploaded:
                fail(key, _("该字段当前不显示，不应填写"))
            continue
        if kind in FILE_TYPES:
            if not _empty(raw):
                fail(key, _("附件须随表单上传，不能直接填写"))
            elif spec.get("required") and not uploaded:
                fail(key, _("请上传附件"))
            elif len(uploaded) > int(spec.get("max_files") or DEFAULT_MAX_FILES):
                fail(
                    key,
                    _("最多上传%(n)s个文件") % {"n": spec.get("max_files") or DEFAULT_MAX_FILES},
                )
            elif uploaded:
                kept_files[key] = list(uploaded)
            continue
        if _empty(raw):
            if spec.get("required"):
                fail(key, _("请填写此项"))
            continue
        if kind == "table":
            rows = _table(spec, raw, key, refs, fail)
            if rows is not None:
                cleaned[key] = rows
            continue
        try:
            cleaned[key] = _clean_value(spec, raw, refs=refs, path=key)
        except _Invalid as error:
            fail(key, error.message)
    if resolver is not None and refs.wanted:
        _resolve(refs, resolver, fail)
    if errors:
        raise ValidationFailed(fields=errors)
    return Submission(data=cleaned, files=kept_files)


def _table(
    spec: Mapping[str, Any],
    raw: Any,
    key: str,
    refs: _Refs,
    fail: Callable[[str, str], None],
) -> list[dict[str, Any]] | None:
    if not isinstance(raw, list) or not all(isinstance(row, Mapping) for row in raw):
        fail(key, _("表格数据须为行的列表"))
        return None
    rows = [row for row in raw if any(not _empty(v) for v in row.values())]
    low = spec.get("min_rows") or (1 if spec.get("required") else 0)
    high = min(spec.get("max_rows") or MAX_ROWS, MAX_ROWS)
    if len(rows) < low:
        fail(key, _("至少填写%(n)s行") % {"n": low})
    if len(rows) > high:
        fail(key, _("最多%(n)s行") % {"n": high})
        return None
    columns = {c["key"]: c for c in spec["columns"]}
    cleaned_rows = []
    for index, row in enumerate(rows):
        cleaned_row: dict[str, Any] = {}
        for column_key in row:
            if column_key not in columns:
                fail(f"{key}.{index}.{column_key}", _("表格中没有这一列"))
        for column in spec["columns"]:
            value = row.get(column["key"])
            path = f"{key}.{index}.{column['key']}"
            if _empty(value):
                if column.get("required"):
                    fail(path, _("请填写此项"))
                continue
            try:
                cleaned_row[column["key"]] = _clean_value(column, value, refs=refs, path=path)
            except _Invalid as error:
                fail(path, error.message)
        cleaned_rows.append(cleaned_row)
    return cleaned_rows


def _resolve(refs: _Refs, resolver: Resolver, fail: Callable[[str, str], None]) -> None:
    by_kind: dict[tuple[str, str], set[int]] = {}
    specs: dict[tuple[str, str], Mapping[str, Any]] = {}
    for _path, kind, spec, value in refs.wanted:
        scope = str((spec.get("source") or {}).get("ci_class") or "")
        by_kind.setdefault((kind, scope), set()).add(value)
        specs[(kind, scope)] = spec
    found = {group: set(resolver(group[0], ids, specs[group])) for group, ids in by_kind.items()}
    for path, kind, spec, value in refs.wanted:
        scope = str((spec.get("source") or {}).get("ci_class") or "")
        if value not in found[(kind, scope)]:
            fail(path, _("所选项不存在或不可选"))


# --- display ------------------------------------------------------------------------------


def _labels(spec: Mapping[str, Any]) -> dict[str, str]:
    return {str(o["value"]): str(o["label"]) for o in spec.get("options") or []}


def references_of(schema: Mapping[str, Any], data: Mapping[str, Any]) -> dict[str, set[int]]:
    """Every id the answers refer to, per source kind (for one lookup per kind)."""
    wanted: dict[str, set[int]] = {}

    def collect(spec: Mapping[str, Any], value: Any) -> None:
        if _is_reference(spec) and not _empty(value):
            values = value if isinstance(value, list) else [value]
            wanted.setdefault(_source_kind(spec), set()).update(
                v for v in values if isinstance(v, int)
            )

    for spec in schema.get("fields", []):
        value = data.get(spec["key"])
        if spec["type"] == "table" and isinstance(value, list):
            for row in value:
                for column in spec.get("columns") or []:
                    collect(column, row.get(column["key"]))
        else:
            collect(spec, value)
    return wanted


def _as_text(spec: Mapping[str, Any], value: Any, names: Mapping[str, Mapping[int, str]]) -> str:
    if _empty(value):
        return ""
    values = value if isinstance(value, list) else [value]
    if _is_reference(spec):
        table = names.get(_source_kind(spec), {})
        return "、".join(table.get(v, f"#{v}") for v in values)
    if spec["type"] in OPTION_TYPES:
        labels = _labels(spec)
        return "、".join(labels.get(str(v), str(v)) for v in values)
    if spec["type"] == "number":
        unit = spec.get("unit") or ""
        return f"{value} {unit}".strip()
    if spec["type"] == "datetime":
        return str(value).replace("T", " ")
    return "、".join(str(v) for v in values)


def form_display(
    schema: Mapping[str, Any],
    data: Mapping[str, Any],
    names: Mapping[str, Mapping[int, str]],
) -> list[dict[str, Any]]:
    """The answered fields in form order, as text a person reads (``FormDisplayField``)."""
    shown: list[dict[str, Any]] = []
    for spec in schema.get("fields", []):
        key, kind = spec["key"], spec["type"]
        value = data.get(key)
        if kind == "section" or _empty(value):
            continue
        entry: dict[str, Any] = {"key": key, "label": spec["label"], "type": kind, "text": ""}
        if kind in FILE_TYPES and isinstance(value, list):
            ids = [v for v in value if isinstance(v, int)]
            entry["attachments"] = ids
            entry["text"] = _("%(n)s个附件") % {"n": len(ids)}
        elif kind == "table" and isinstance(value, list):
            columns = spec.get("columns") or []
            entry["table"] = {
                "columns": [{"key": c["key"], "label": c["label"]} for c in columns],
                "rows": [[_as_text(c, row.get(c["key"]), names) for c in columns] for row in value],
            }
            entry["text"] = _("%(n)s行") % {"n": len(value)}
        else:
            entry["text"] = _as_text(spec, value, names)
        shown.append(entry)
    return shown


def iter_fields(schema: Mapping[str, Any]) -> Iterable[Mapping[str, Any]]:
    return iter(schema.get("fields", []))


# --- masking sensitive answers (docs/admin/security.md) ---------------------------------------


def _sensitive(spec: Mapping[str, Any]) -> bool:
    return spec.get("sensitive") is True


def _masked_answer(spec: Mapping[str, Any], value: Any) -> Any:
    if _empty(value):
        return value
    if spec.get("type") in FILE_TYPES:
        return []
    return mask_sensitive_text(value)


def _masked_rows(spec: Mapping[str, Any], rows: Any) -> Any:
    columns = [c for c in spec.get("columns") or [] if isinstance(c, Mapping) and _sensitive(c)]
    if not columns or not isinstance(rows, list):
        return rows
    masked = []
    for row in rows:
        row = dict(row) if isinstance(row, Mapping) else row
        if isinstance(row, dict):
            for column in columns:
                if column.get("key") in row:
                    row[column["key"]] = _masked_answer(column, row[column["key"]])
        masked.append(row)
    return masked


def form_data_mask(schema: Mapping[str, Any], data: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of the stored answers with the sensitive fields (and table columns) masked and
    the ids of sensitive attachments left out."""
    masked = dict(data)
    for spec in iter_fields(schema):
        key = spec.get("key")
        if key not in masked:
            continue
        if spec.get("type") == "table":
            masked[key] = _masked_rows(spec, masked[key])
        elif _sensitive(spec):
            masked[key] = _masked_answer(spec, masked[key])
    return masked


def sensitive_attachment_ids(schema: Mapping[str, Any], data: Mapping[str, Any]) -> set[int]:
    """The attachments answering the sensitive file fields: hidden from masked viewers."""
    ids: set[int] = set()
    for spec in iter_fields(schema):
        value = data.get(spec.get("key", ""))
        if _sensitive(spec) and spec.get("type") in FILE_TYPES and isinstance(value, list):
            ids.update(v for v in value if isinstance(v, int))
    return ids


def form_display_mask(
    schema: Mapping[str, Any], shown: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """:func:`form_display`'s entries with the sensitive answers masked."""
    specs = {spec.get("key"): spec for spec in iter_fields(schema)}
    masked: list[dict[str, Any]] = []
    for entry in shown:
        spec = specs.get(entry.get("key")) or {}
        entry = dict(entry)
        if spec.get("type") == "table" and isinstance(entry.get("table"), dict):
            columns = spec.get("columns") or []
            flags = [isinstance(c, Mapping) and _sensitive(c) for c in columns]
            table = dict(entry["table"])
            table["rows"] = [
                [
                    mask_sensitive_text(cell) if flag else cell
                    for cell, flag in zip(row, flags, strict=False)
                ]
                for row in table.get("rows", [])
            ]
            entry["table"] = table
        elif _sensitive(spec):
            if "attachments" in entry:
                entry["attachments"] = []
                entry["text"] = _("附件已隐藏")
            else:
                entry["text"] = mask_sensitive_text(entry.get("text", ""))
        masked.append(entry)
    return masked
