"""Excel import and export of configuration items.

The export has one sheet per class: the common columns, then that class's attributes. The
template is the same workbook with a sample row per sheet. An import accepts any sheet whose
header has 类型/编码/名称 (in Chinese or as the English codes); every row is saved on its own,
so good rows are imported while bad rows are reported with their sheet, row number and reason.
Items are matched by 编码 (code): an existing code is updated, a new one created.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import Any

from django.core.files.storage import default_storage
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Font

from hitsm.accounts.models import AssignmentGroup, Department
from hitsm.cmdb.models import CIClass, CIStatus, ConfigurationItem
from hitsm.cmdb.services import ci_create, ci_update
from hitsm.core.errors import DomainError
from hitsm.core.jobs import JobReporter, job_handler
from hitsm.core.models import Job
from hitsm.core.spreadsheets import UnreadableSpreadsheet, spreadsheet_tables, xlsx_text

COLUMNS = {
    "类型": "ci_class",
    "编码": "code",
    "名称": "name",
    "状态": "status",
    "归属科室": "owner_department",
    "支持组": "support_group",
    "影响临床业务": "clinical_critical",
    "可从故障单操作": "operable_from_incident",
    "位置": "location",
    "说明": "description",
}
REQUIRED = ("ci_class", "code", "name")
TRUE_WORDS = {"是", "true", "1", "yes", "y"}
FALSE_WORDS = {"否", "false", "0", "no", "n", ""}
STATUS_BY_LABEL = {str(label): value for value, label in CIStatus.choices} | {
    v: v for v in CIStatus.values
}
EXPORT_LIMIT = 100_000


class ImportRejected(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.result = {"created": 0, "updated": 0, "failed": 0, "errors": []}


def _column_key(header: Any) -> str:
    name = "" if header is None else str(header).strip().rstrip("*").strip()
    return COLUMNS.get(name, name)


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    return value


class _Resolver:
    """Looks up classes and departments by code or name, once per import."""

    def __init__(self) -> None:
        classes = list(CIClass.objects.prefetch_related("attributes"))
        self.classes = {c.code: c for c in classes} | {c.name: c for c in classes}
        departments = list(Department.objects.all())
        self.departments = {d.code: d for d in departments} | {d.name: d for d in departments}
        groups = list(AssignmentGroup.objects.all())
        self.groups = {g.code: g for g in groups} | {g.name: g for g in groups}

    def attribute_values(self, ci_class: CIClass, row: dict[str, Any]) -> dict[str, Any]:
        by_header = {a.name: a.code for a in ci_class.attributes.all()} | {
            a.code: a.code for a in ci_class.attributes.all()
        }
        values: dict[str, Any] = {}
        for header, value in row.items():
            if header in COLUMNS.values() or value == "":
                continue
            # an unknown column with a value is passed on, so that it is reported, not dropped
            values[by_header.get(header, header)] = value
        return values


def _bool(value: Any, field: str, errors: list[str]) -> bool:
    word = str(value).strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    errors.append(_("%(field)s 只能填“是”或“否”") % {"field": field})
    return False


def _row_fields(
    row: dict[str, Any], resolver: _Resolver
) -> tuple[CIClass | None, dict[str, Any], list[str]]:
    errors: list[str] = []
    labels = {v: k for k, v in COLUMNS.items()}
    for key in REQUIRED:
        if row.get(key, "") == "":
            errors.append(_("“%(column)s”必填") % {"column": labels[key]})
    ci_class = resolver.classes.get(str(row.get("ci_class", "")))
    if row.get("ci_class") and ci_class is None:
        errors.append(_("类型“%(value)s”不存在") % {"value": row["ci_class"]})
    fields: dict[str, Any] = {
        "name": str(row.get("name", ""))[:120],
        "location": str(row.get("location", "")),
        "description": str(row.get("description", "")),
        "clinical_critical": _bool(row.get("clinical_critical", ""), "影响临床业务", errors),
        "operable_from_incident": _bool(
            row.get("operable_from_incident", ""), "可从故障单操作", errors
        ),
    }
    status = str(row.get("status", "")) or CIStatus.IN_USE
    if status not in STATUS_BY_LABEL:
        errors.append(_("状态“%(value)s”无效") % {"value": status})
    else:
        fields["status"] = STATUS_BY_LABEL[status]
    department = str(row.get("owner_department", ""))
    if department:
        if department not in resolver.departments:
            errors.append(_("科室“%(value)s”不存在") % {"value": department})
        fields["owner_department"] = resolver.departments.get(department)
    else:
        fields["owner_department"] = None
    group = str(row.get("support_group", ""))
    if group and group not in resolver.groups:
        errors.append(_("支持组“%(value)s”不存在") % {"value": group})
    fields["support_group"] = resolver.groups.get(group) if group else None
    return ci_class, fields, errors


def _describe(exc: DomainError, ci_class: CIClass) -> str:
    names = {f"attributes.{a.code}": a.name for a in ci_class.attributes.all()}
    labels = {v: k for k, v in COLUMNS.items()}
    if not exc.fields:
        return str(exc.message)
    parts = []
    for field, messages in exc.fields.items():
        label = names.get(field) or labels.get(field) or field.removeprefix("attributes.")
        parts.append(f"{label}：{'；'.join(str(m) for m in messages)}")
    return "；".join(parts)


def import_rows(
    tables: list[tuple[str, list[list[Any]]]], reporter: JobReporter | None = None
) -> dict[str, Any]:
    resolver = _Resolver()
    sheets = []
    for title, raw_rows in tables:
        if not raw_rows:
            continue
        header = [_column_key(h) for h in raw_rows[0]]
        if not set(REQUIRED) <= set(header):
            continue
        body = [
            (number, {h: _cell(v) for h, v in zip(header, raw, strict=False) if h})
            for number, raw in enumerate(raw_rows[1:], start=2)
        ]
        sheets.append((title, [(n, r) for n, r in body if any(v != "" for v in r.values())]))
    if not sheets:
        raise ImportRejected(_("文件中没有可识别的表头（需要“类型”“编码”“名称”列）"))
    total = sum(len(rows) for _title, rows in sheets)
    if reporter:
        reporter.set_total(total)
    created = updated = 0
    errors: list[dict[str, Any]] = []
    for title, rows in sheets:
        for number, row in rows:
            ci_class, fields, problems = _row_fields(row, resolver)
            code = str(row.get("code", ""))
            if not problems and ci_class is not None:
                attributes = resolver.attribute_values(ci_class, row)
                existing = ConfigurationItem.objects.filter(code=code).first()
                try:
                    if existing is None:
                        ci_create(ci_class=ci_class, code=code, attributes=attributes, **fields)
                        created += 1
                    elif existing.ci_class_id != ci_class.pk:
                        problems.append(
                            _("编码 %(code)s 已被“%(cls)s”类型的配置项使用")
                            % {"code": code, "cls": existing.ci_class.name}
                        )
                    else:
                        ci_update(item=existing, attributes=attributes, **fields)
                        updated += 1
                except DomainError as exc:
                    problems.append(_describe(exc, ci_class))
            if problems:
                errors.append(
                    {"sheet": title, "row": number, "code": code, "message": "；".join(problems)}
                )
            if reporter:
                reporter.advance()
    return {"created": created, "updated": updated, "failed": len(errors), "errors": errors}


@job_handler("cmdb.ci_import", label=gettext_lazy("导入配置项"))
def run_import(job: Job, reporter: JobReporter) -> dict[str, Any]:
    path = job.params["path"]
    try:
        with default_storage.open(path, "rb") as handle:
            content = handle.read()
        try:
            tables = spreadsheet_tables(content, job.params.get("filename", path))
        except UnreadableSpreadsheet as exc:
            raise ImportRejected(str(exc)) from exc
        result = import_rows(tables, reporter)
        reporter.log(
            _("新增 %(c)d 条，更新 %(u)d 条，失败 %(f)d 行")
            % {"c": result["created"], "u": result["updated"], "f": result["failed"]}
        )
        return result
    finally:
        default_storage.delete(path)


def _header(ci_class: CIClass) -> list[str]:
    return [*COLUMNS, *(a.name for a in ci_class.attributes.all())]


def _row(item: ConfigurationItem) -> list[Any]:
    return [
        item.ci_class.code,
        item.code,
        item.name,
        item.get_status_display(),
        item.owner_department.code if item.owner_department else "",
        item.support_group.code if item.support_group else "",
        "是" if item.clinical_critical else "否",
        "是" if item.operable_from_incident else "否",
        item.location,
        item.description,
        *(item.attributes.get(a.code, "") for a in item.ci_class.attributes.all()),
    ]


def export_workbook(
    items: QuerySet[ConfigurationItem] | None, classes: Iterable[CIClass] | None = None
) -> bytes:
    """One sheet per class. ``items=None`` gives the import template (a sample row per sheet)."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    classes = list(classes if classes is not None else CIClass.objects.filter(is_active=True))
    by_class: dict[int, list[ConfigurationItem]] = {c.pk: [] for c in classes}
    if items is not None:
        for item in items.select_related("ci_class", "owner_department", "support_group").order_by(
            "code"
        ):
            by_class.setdefault(item.ci_class_id, []).append(item)
    for ci_class in CIClass.objects.filter(pk__in=list(by_class)).prefetch_related("attributes"):
        rows = by_class[ci_class.pk]
        if items is not None and not rows:
            continue
        sheet = workbook.create_sheet(
            xlsx_text(ci_class.name)[:31].translate(str.maketrans("/\\?*[]:", "／＼？＊［］："))
            or ci_class.code[:31]
        )
        sheet.append(_header(ci_class))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        if items is None:
            sheet.append(
                [
                    ci_class.code,
                    f"{ci_class.code}-001",
                    f"示例{ci_class.name}",
                    "在用",
                    "",
                    "否",
                    "否",
                ]
            )
        for item in rows:
            item.ci_class = ci_class  # carries the prefetched attributes
            sheet.append([xlsx_text(value) for value in _row(item)])
        sheet.freeze_panes = "A2"
    if not workbook.worksheets:
        workbook.create_sheet(_("配置项")).append(list(COLUMNS))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
