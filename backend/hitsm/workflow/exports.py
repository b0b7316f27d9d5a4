"""The RACI matrix of a process as an Excel workbook, for audits."""

from __future__ import annotations

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from hitsm.accounts.models import AssignmentGroup, User
from hitsm.accounts.roles import Role
from hitsm.workflow.engine import RACI_ROLES
from hitsm.workflow.models import ProcessVersion


def _ref_labels(version: ProcessVersion) -> dict[str, str]:
    refs = {
        ref
        for node in version.nodes.values()
        for values in (node.get("raci") or {}).values()
        for ref in values
    }
    groups = dict(
        AssignmentGroup.objects.filter(
            code__in=[r.split(":", 1)[1] for r in refs if r.startswith("group:")]
        ).values_list("code", "name")
    )
    users = {
        username: display or username
        for username, display in User.objects.filter(
            username__in=[r.split(":", 1)[1] for r in refs if r.startswith("user:")]
        ).values_list("username", "display_name")
    }
    roles = dict(Role.choices)
    fixed = {
        "requester": _("报修人"),
        "assignee": _("处理人"),
        "dept_head": _("科室负责人"),
    }
    labels = {}
    for ref in refs:
        kind, _sep, value = ref.partition(":")
        if kind == "role":
            labels[ref] = _("角色：%(n)s") % {"n": roles.get(value, value)}
        elif kind == "group":
            labels[ref] = _("支持组：%(n)s") % {"n": groups.get(value, value)}
        elif kind == "user":
            labels[ref] = users.get(value, value)
        elif kind == "field":
            labels[ref] = _("表单字段「%(n)s」指定的人") % {"n": value}
        else:
            labels[ref] = fixed.get(ref, ref)
    return labels


def raci_workbook(version: ProcessVersion) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "RACI"
    sheet.append(
        [
            _("流程"),
            f"{version.definition.name}  v{version.version}",
        ]
    )
    sheet.append([])
    header = [
        _("环节"),
        _("泳道"),
        _("审批方式"),
        _("处理时限（分钟）"),
        _("负责 R"),
        _("批准 A"),
        _("协助 S"),
        _("咨询 C"),
        _("知会 I"),
    ]
    sheet.append(header)
    for cell in sheet[3]:
        cell.font = Font(bold=True)
    labels = _ref_labels(version)
    modes = {"single": _("单人审批"), "all": _("会签"), "any": _("或签")}
    for node in sorted(version.nodes.values(), key=lambda n: n.get("position", 0)):
        if node.get("kind") != "userTask":
            continue
        raci = node.get("raci") or {}
        sheet.append(
            [
                node.get("name") or node["id"],
                node.get("lane") or "",
                modes.get(node.get("approval") or "", ""),
                node.get("deadline_minutes") or "",
                *("\n".join(labels.get(r, r) for r in raci.get(role, [])) for role in RACI_ROLES),
            ]
        )
    for column, width in zip("ABCDEFGHI", (24, 14, 10, 14, 24, 24, 24, 24, 24), strict=True):
        sheet.column_dimensions[column].width = width
    for row in sheet.iter_rows(min_row=4):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
