"""Import departments and users from Excel (.xlsx) or CSV, as a background job.

The whole file is validated first; if any row is wrong nothing is written and the job's result
lists every problem with its row number. Otherwise departments (parents first) and users are
created or updated in one transaction. Users are matched by username.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook

from hitsm.accounts.models import Department, DepartmentKind, User, UserSource
from hitsm.accounts.roles import Role, user_roles
from hitsm.accounts.services import (
    COMMAND_LINE_MESSAGE,
    SEPARATION_MESSAGE,
    roles_break_separation,
    roles_change_command_line_roles,
    user_set_roles,
)
from hitsm.core.jobs import JobReporter, job_handler
from hitsm.core.models import Job
from hitsm.core.spreadsheets import UnreadableSpreadsheet, spreadsheet_tables

DEPARTMENT_COLUMNS = {
    "编码": "code",
    "名称": "name",
    "类型": "kind",
    "上级编码": "parent_code",
    "负责人用户名": "head_username",
    "位置": "location",
    "电话": "phone",
    "企业微信部门ID": "wecom_department_id",
}
USER_COLUMNS = {
    "用户名": "username",
    "姓名": "display_name",
    "工号": "employee_no",
    "科室编码": "department_code",
    "职务": "title",
    "分机号": "phone_ext",
    "手机": "mobile",
    "邮箱": "email",
    "企业微信账号": "wecom_userid",
    "角色": "roles",
    "初始密码": "initial_password",
    "启用": "is_active",
}
KIND_BY_LABEL = {str(label): value for value, label in DepartmentKind.choices} | {
    v: v for v in DepartmentKind.values
}
ROLE_BY_LABEL = {str(label): value for value, label in Role.choices} | {v: v for v in Role.values}
TRUE_WORDS = {"是", "启用", "1", "true", "yes", "y", ""}
FALSE_WORDS = {"否", "停用", "0", "false", "no", "n"}


class ImportRejected(Exception):
    def __init__(self, message: str, errors: list[dict[str, Any]]) -> None:
        super().__init__(message)
        self.result = {"errors": errors, "created": 0, "updated": 0}


@dataclass
class Sheet:
    kind: str  # "departments" | "users"
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)


def _normalise_header(raw: list[Any]) -> tuple[str, list[str | None]] | None:
    names = [str(h).strip().rstrip("*") if h is not None else "" for h in raw]
    english_users = set(USER_COLUMNS.values())
    english_departments = set(DEPARTMENT_COLUMNS.values())
    if "用户名" in names or "username" in names:
        mapping = {**USER_COLUMNS, **{v: v for v in english_users}}
        return "users", [mapping.get(n) for n in names]
    if ("编码" in names and "名称" in names) or {"code", "name"} <= set(names):
        mapping = {**DEPARTMENT_COLUMNS, **{v: v for v in english_departments}}
        return "departments", [mapping.get(n) for n in names]
    return None


def _sheet_from_rows(rows: list[list[Any]]) -> Sheet | None:
    if not rows:
        return None
    header = _normalise_header(rows[0])
    if header is None:
        return None
    kind, columns = header
    sheet = Sheet(kind=kind)
    for index, raw in enumerate(rows[1:], start=2):
        values = {
            col: ("" if v is None else str(v).strip())
            for col, v in zip(columns, raw, strict=False)
            if col
        }
        if any(values.values()):
            sheet.rows.append((index, values))
    return sheet


def read_sheets(content: bytes, filename: str) -> list[Sheet]:
    """Parse an uploaded file into department and user sheets (raises ImportRejected)."""
    try:
        tables = spreadsheet_tables(content, filename)
    except UnreadableSpreadsheet as exc:
        raise ImportRejected(str(exc), []) from exc
    sheets = [sheet for _title, rows in tables if (sheet := _sheet_from_rows(rows))]
    if not sheets:
        raise ImportRejected(_("文件中没有可识别的表头（需要“用户名”或“编码/名称”列）"), [])
    return sheets


def _bool(value: str) -> bool | None:
    lowered = value.strip().lower()
    if lowered in TRUE_WORDS:
        return True
    if lowered in FALSE_WORDS:
        return False
    return None


def _split_roles(value: str) -> list[str]:
    for sep in ("、", "，", ";", "；", "|"):
        value = value.replace(sep, ",")
    return [part.strip() for part in value.split(",") if part.strip()]


def validate(sheets: list[Sheet]) -> list[dict[str, Any]]:
    errors: list[dict[str, Any]] = []

    def problem(sheet: str, row: int, message: str) -> None:
        errors.append({"sheet": sheet, "row": row, "message": message})

    department_rows = [r for s in sheets if s.kind == "departments" for r in s.rows]
    user_rows = [r for s in sheets if s.kind == "users" for r in s.rows]
    known_codes = set(Department.objects.values_list("code", flat=True))
    file_codes: dict[str, int] = {}
    for row, values in department_rows:
        code = values.get("code", "")
        if not code or not values.get("name"):
            problem(_("科室"), row, _("编码和名称必填"))
            continue
        if code in file_codes:
            problem(
                _("科室"),
                row,
                _("编码 %(code)s 与第 %(row)d 行重复") % {"code": code, "row": file_codes[code]},
            )
        file_codes[code] = row
        if values.get("kind") and values["kind"] not in KIND_BY_LABEL:
            problem(
                _("科室"),
                row,
                _("类型“%(v)s”无效，可选：院区、科室、病区/护理单元、医院") % {"v": values["kind"]},
            )
        wecom_id = values.get("wecom_department_id", "")
        if wecom_id and not wecom_id.isdigit():
            problem(_("科室"), row, _("企业微信部门ID必须是数字"))
    all_codes = known_codes | set(file_codes)
    for row, values in department_rows:
        parent = values.get("parent_code", "")
        if parent and parent not in all_codes:
            problem(_("科室"), row, _("上级编码 %(code)s 不存在") % {"code": parent})
        if parent and parent == values.get("code"):
            problem(_("科室"), row, _("上级不能是自己"))

    usernames: dict[str, int] = {}
    unique_seen: dict[tuple[str, str], int] = {}
    file_usernames = {v.get("username", "") for _r, v in user_rows}
    for row, values in user_rows:
        username = values.get("username", "")
        if not username or not values.get("display_name"):
            problem(_("用户"), row, _("用户名和姓名必填"))
            continue
        if username in usernames:
            problem(
                _("用户"),
                row,
                _("用户名 %(u)s 与第 %(row)d 行重复") % {"u": username, "row": usernames[username]},
            )
        usernames[username] = row
        dept = values.get("department_code", "")
        if dept and dept not in all_codes:
            problem(_("用户"), row, _("科室编码 %(code)s 不存在") % {"code": dept})
        for column, label in (("employee_no", _("工号")), ("wecom_userid", _("企业微信账号"))):
            value = values.get(column, "")
            if not value:
                continue
            if (column, value) in unique_seen:
                problem(
                    _("用户"),
                    row,
                    _("%(label)s %(v)s 与第 %(row)d 行重复")
                    % {"label": label, "v": value, "row": unique_seen[(column, value)]},
                )
            unique_seen[(column, value)] = row
            clash = User.objects.filter(**{column: value}).exclude(username=username).first()
            if clash is not None:
                problem(
                    _("用户"),
                    row,
                    _("%(label)s %(v)s 已被用户 %(u)s 使用")
                    % {"label": label, "v": value, "u": clash.username},
                )
        if values.get("email"):
            try:
                validate_email(values["email"])
            except ValidationError:
                problem(_("用户"), row, _("邮箱格式不正确"))
        for role in _split_roles(values.get("roles", "")):
            if role not in ROLE_BY_LABEL:
                problem(_("用户"), row, _("角色“%(r)s”无效") % {"r": role})
        roles = [
            ROLE_BY_LABEL[r] for r in _split_roles(values.get("roles", "")) if r in ROLE_BY_LABEL
        ]
        if roles:  # an empty column leaves the roles as they are
            existing = User.objects.filter(username=username).first()
            current = user_roles(existing) if existing is not None else frozenset()
            if roles_change_command_line_roles(current, roles):
                problem(_("用户"), row, str(COMMAND_LINE_MESSAGE))
            elif roles_break_separation(roles, superuser=bool(existing and existing.is_superuser)):
                problem(_("用户"), row, str(SEPARATION_MESSAGE))
        if _bool(values.get("is_active", "")) is None:
            problem(_("用户"), row, _("“启用”只能填 是 或 否"))
        password = values.get("initial_password", "")
        if password:
            try:
                password_validation.validate_password(password, User(username=username))
            except ValidationError as exc:
                problem(_("用户"), row, _("初始密码：") + "；".join(exc.messages))
    for row, values in department_rows:
        head = values.get("head_username", "")
        if head and head not in file_usernames and not User.objects.filter(username=head).exists():
            problem(_("科室"), row, _("负责人用户名 %(u)s 不存在") % {"u": head})
    return errors


def _ordered_departments(rows: list[tuple[int, dict[str, str]]]) -> list[dict[str, str]]:
    pending = [values for _row, values in rows]
    ordered: list[dict[str, str]] = []
    placed = set(Department.objects.values_list("code", flat=True))
    while pending:
        ready = [
            v
            for v in pending
            if not v.get("parent_code")
            or v["parent_code"] in placed
            or v["parent_code"] not in {p["code"] for p in pending}
        ]
        if not ready:
            raise ImportRejected(_("上级编码形成了循环"), [])
        for values in ready:
            ordered.append(values)
            placed.add(values["code"])
        pending = [v for v in pending if v not in ready]
    return ordered


@transaction.atomic
def apply(sheets: list[Sheet], reporter: JobReporter | None = None) -> dict[str, int]:
    counts = {
        "departments_created": 0,
        "departments_updated": 0,
        "users_created": 0,
        "users_updated": 0,
    }
    department_rows = [r for s in sheets if s.kind == "departments" for r in s.rows]
    user_rows = [r for s in sheets if s.kind == "users" for r in s.rows]
    heads: list[tuple[str, str]] = []
    for values in _ordered_departments(department_rows):
        defaults: dict[str, Any] = {
            "name": values["name"],
            "kind": KIND_BY_LABEL.get(values.get("kind", ""), DepartmentKind.DEPARTMENT),
            "parent": Department.objects.filter(code=values.get("parent_code", "")).first(),
            "location": values.get("location", ""),
            "phone": values.get("phone", ""),
        }
        if values.get("wecom_department_id"):
            defaults["wecom_department_id"] = int(values["wecom_department_id"])
        department = Department.objects.filter(code=values["code"]).first()
        if department is None:
            Department.objects.create(code=values["code"], **defaults)
            counts["departments_created"] += 1
        else:
            for name, value in defaults.items():
                setattr(department, name, value)
            department.save()
            counts["departments_updated"] += 1
        if values.get("head_username"):
            heads.append((values["code"], values["head_username"]))
        if reporter:
            reporter.advance(message=values["name"])
    for _row, values in user_rows:
        fields: dict[str, Any] = {
            "display_name": values["display_name"],
            "employee_no": values.get("employee_no") or None,
            "department": Department.objects.filter(code=values.get("department_code", "")).first(),
            "title": values.get("title", ""),
            "phone_ext": values.get("phone_ext", ""),
            "mobile": values.get("mobile", ""),
            "email": values.get("email", ""),
            "wecom_userid": values.get("wecom_userid") or None,
            "is_active": bool(_bool(values.get("is_active", ""))),
        }
        user = User.objects.filter(username=values["username"]).first()
        if user is None:
            user = User(username=values["username"], source=UserSource.IMPORT, **fields)
            if values.get("initial_password"):
                user.set_password(values["initial_password"])
                user.must_change_password = True
            else:
                user.set_unusable_password()
            user.save()
            counts["users_created"] += 1
        else:
            for name, value in fields.items():
                setattr(user, name, value)
            user.save()
            counts["users_updated"] += 1
        roles = [ROLE_BY_LABEL[r] for r in _split_roles(values.get("roles", ""))]
        if roles:
            user_set_roles(user=user, roles=roles)
        if reporter:
            reporter.advance(message=values["display_name"])
    for code, username in heads:
        department = Department.objects.get(code=code)
        department.head = User.objects.get(username=username)
        department.save(update_fields=["head", "updated_at"])
    return counts


@job_handler("accounts.user_import", label=gettext_lazy("导入用户与科室"))
def run_import(job: Job, reporter: JobReporter) -> dict[str, Any]:
    path = job.params["path"]
    filename = job.params.get("filename", path)
    try:
        with default_storage.open(path, "rb") as handle:
            content = handle.read()
        sheets = read_sheets(content, filename)
        total = sum(len(s.rows) for s in sheets)
        reporter.set_total(total)
        reporter.log(_("读取到 %(n)d 行") % {"n": total})
        errors = validate(sheets)
        if errors:
            reporter.log(_("校验发现 %(n)d 处问题，未写入任何数据") % {"n": len(errors)})
            raise ImportRejected(
                _("校验未通过：共 %(n)d 处问题，未导入任何数据") % {"n": len(errors)}, errors
            )
        counts = apply(sheets, reporter)
        reporter.log(str(counts))
        return {**counts, "errors": []}
    finally:
        default_storage.delete(path)


def template_workbook() -> bytes:
    workbook = Workbook()
    departments = workbook.active
    departments.title = "科室"
    departments.append([*DEPARTMENT_COLUMNS])
    departments.append(["HQ", "总院区", "院区", "", "", "XX路 1 号", "", ""])
    departments.append(["MZ", "门诊部", "科室", "HQ", "", "门诊楼 1-3 层", "8001", "101"])
    users = workbook.create_sheet("用户")
    users.append([*USER_COLUMNS])
    users.append(
        ["li.hong", "李红", "N1001", "MZ", "护士", "3301", "", "", "LiHong", "医护人员", "", "是"]
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
