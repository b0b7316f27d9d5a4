"""The form schema: what a designer may save, and what a submission must satisfy."""

from __future__ import annotations

import pytest

from hitsm.catalog.formschema import (
    SchemaInvalid,
    form_data_mask,
    form_display,
    form_display_mask,
    form_validate,
    references_of,
    schema_check,
)
from hitsm.core.errors import ValidationFailed

ACCOUNT_FORM = {
    "fields": [
        {"key": "intro", "type": "section", "label": "账号信息"},
        {
            "key": "system",
            "type": "select",
            "label": "系统",
            "required": True,
            "options": [{"value": "his", "label": "HIS"}, {"value": "lis", "label": "LIS"}],
        },
        {
            "key": "employee_no",
            "type": "text",
            "label": "工号",
            "required": True,
            "pattern": r"^\d{6}$",
            "pattern_message": "请输入6位工号",
        },
        {"key": "accounts", "type": "number", "label": "账号数", "min": 1, "max": 50, "unit": "个"},
        {
            "key": "need_vpn",
            "type": "radio",
            "label": "需要VPN",
            "options": [{"value": "yes", "label": "是"}, {"value": "no", "label": "否"}],
        },
        {
            "key": "vpn_reason",
            "type": "textarea",
            "label": "VPN用途",
            "required": True,
            "visible_when": {
                "match": "all",
                "rules": [{"field": "need_vpn", "op": "eq", "value": "yes"}],
            },
        },
        {
            "key": "members",
            "type": "table",
            "label": "开通人员",
            "min_rows": 1,
            "max_rows": 3,
            "columns": [
                {"key": "name", "type": "text", "label": "姓名", "required": True},
                {"key": "start", "type": "date", "label": "开始日期"},
                {
                    "key": "role",
                    "type": "select",
                    "label": "角色",
                    "options": [{"value": "doctor", "label": "医生"}],
                },
            ],
        },
        {"key": "photo", "type": "image", "label": "工牌照片", "max_files": 1},
    ]
}

GOOD = {
    "system": "his",
    "employee_no": "102030",
    "accounts": 2,
    "need_vpn": "yes",
    "vpn_reason": "居家查看检验报告",
    "members": [{"name": "王医生", "start": "2026-12-01", "role": "doctor"}],
}


def errors_of(data, **kwargs):
    with pytest.raises(ValidationFailed) as failed:
        form_validate(ACCOUNT_FORM, data, **kwargs)
    return failed.value.fields


def test_a_good_submission_is_cleaned_and_kept():
    submission = form_validate(ACCOUNT_FORM, {**GOOD, "accounts": "2", "employee_no": " 102030 "})
    assert submission.data == {**GOOD, "accounts": 2}


def test_a_forged_submission_is_refused_field_by_field():
    fields = errors_of(
        {
            "employee_no": 102030.5,  # wrong type for the pattern
            "accounts": 99,  # out of range
            "need_vpn": "maybe",  # not an option
            "members": [{"name": "", "start": "12/01/2026", "role": "nurse", "extra": 1}],
            "injected": "<script>",  # not in the form
        }
    )
    assert fields["form_data.system"] == ["请填写此项"]  # missing required
    assert fields["form_data.employee_no"] == ["请输入6位工号"]
    assert fields["form_data.accounts"] == ["不能大于 50"]
    assert fields["form_data.need_vpn"] == ["“maybe”不是可选项"]
    assert fields["form_data.members.0.name"] == ["请填写此项"]
    assert fields["form_data.members.0.start"] == ["日期格式应为 YYYY-MM-DD"]
    assert fields["form_data.members.0.role"] == ["“nurse”不是可选项"]
    assert fields["form_data.members.0.extra"] == ["表格中没有这一列"]
    assert fields["form_data.injected"] == ["表单中没有这个字段"]


def test_a_hidden_field_must_stay_empty():
    fields = errors_of({**GOOD, "need_vpn": "no"})
    assert fields == {"form_data.vpn_reason": ["该字段当前不显示，不应填写"]}
    without = {k: v for k, v in GOOD.items() if k != "vpn_reason"}
    assert "vpn_reason" not in form_validate(ACCOUNT_FORM, {**without, "need_vpn": "no"}).data


def test_a_visible_required_field_is_required():
    without = {k: v for k, v in GOOD.items() if k != "vpn_reason"}
    assert errors_of(without) == {"form_data.vpn_reason": ["请填写此项"]}


def test_numbers_are_typed_and_integers_stay_integers():
    assert errors_of({**GOOD, "accounts": True})["form_data.accounts"] == ["请输入数字"]
    assert errors_of({**GOOD, "accounts": "2.5"})["form_data.accounts"] == ["只能是整数"]
    assert errors_of({**GOOD, "accounts": "NaN"})["form_data.accounts"] == ["请输入数字"]


def test_table_rows_are_bounded_and_blank_rows_ignored():
    rows = [{"name": f"人{i}"} for i in range(4)]
    assert errors_of({**GOOD, "members": rows})["form_data.members"] == ["最多3行"]
    cleaned = form_validate(ACCOUNT_FORM, {**GOOD, "members": [{"name": "甲"}, {"name": ""}]})
    assert cleaned.data["members"] == [{"name": "甲"}]
    assert errors_of({**GOOD, "members": [{"name": ""}]})["form_data.members"] == ["至少填写1行"]


def test_files_come_with_the_form_and_are_counted():
    assert errors_of({**GOOD, "photo": [12]})["form_data.photo"] == [
        "附件须随表单上传，不能直接填写"
    ]
    fields = errors_of(GOOD, files={"photo": ["a", "b"]})
    assert fields["form_data.photo"] == ["最多上传1个文件"]
    assert errors_of(GOOD, files={"system": ["a"]})["form_data.system"] == ["该字段不接受文件"]
    assert form_validate(ACCOUNT_FORM, GOOD, files={"photo": ["a"]}).files == {"photo": ["a"]}


def test_references_are_checked_by_the_resolver():
    schema = {
        "fields": [
            {"key": "who", "type": "user", "label": "使用人", "multiple": True},
            {"key": "app", "type": "ci", "label": "系统", "source": {"kind": "cis"}},
        ]
    }

    def resolver(kind, ids, spec):
        return {1: "甲"} if kind == "users" else {}

    with pytest.raises(ValidationFailed) as failed:
        form_validate(schema, {"who": [1, 2], "app": 7}, resolver=resolver)
    assert failed.value.fields == {
        "form_data.who": ["所选项不存在或不可选"],
        "form_data.app": ["所选项不存在或不可选"],
    }
    with pytest.raises(ValidationFailed) as failed:
        form_validate(schema, {"who": "x"})
    assert failed.value.fields == {"form_data.who": ["须为多个值的列表"]}


@pytest.mark.parametrize(
    ("op", "value", "answer", "visible"),
    [
        ("ne", "yes", "no", True),
        ("eq", 3, 3.0, True),  # numbers compare as numbers
        ("eq", "3", 3, True),
        ("in", ["a", "b"], "b", True),
        ("not_in", ["a", "b"], "b", False),
        ("gt", 3, 4, True),
        ("lte", 3, 4, False),
        ("filled", None, "x", True),
        ("empty", None, "x", False),
    ],
)
def test_every_operator(op, value, answer, visible):
    kind = "number" if isinstance(answer, int | float) else "text"
    schema = {
        "fields": [
            {"key": "a", "type": kind, "label": "A", "precision": 2},
            {
                "key": "b",
                "type": "text",
                "label": "B",
                "visible_when": {
                    "match": "all",
                    "rules": [{"field": "a", "op": op, "value": value}],
                },
            },
        ]
    }
    if visible:
        assert form_validate(schema, {"a": answer, "b": "filled"}).data["b"] == "filled"
    else:
        with pytest.raises(ValidationFailed):
            form_validate(schema, {"a": answer, "b": "filled"})


def test_a_rule_on_a_hidden_field_is_false():
    schema = {
        "fields": [
            {"key": "a", "type": "text", "label": "A"},
            {
                "key": "b",
                "type": "text",
                "label": "B",
                "visible_when": {"match": "all", "rules": [{"field": "a", "op": "filled"}]},
            },
            {
                "key": "c",
                "type": "text",
                "label": "C",
                "visible_when": {"match": "any", "rules": [{"field": "b", "op": "empty"}]},
            },
        ]
    }
    with pytest.raises(ValidationFailed) as failed:
        form_validate(schema, {"c": "x"})
    assert failed.value.fields == {"form_data.c": ["该字段当前不显示，不应填写"]}


def test_schema_problems_are_reported_by_path():
    with pytest.raises(SchemaInvalid) as invalid:
        schema_check(
            {
                "fields": [
                    {"key": "A", "type": "text", "label": "名称"},
                    {"key": "pick", "type": "select", "label": "选择", "options": []},
                    {"key": "pick", "type": "text", "label": "重复"},
                    {
                        "key": "later",
                        "type": "text",
                        "label": "引用后面",
                        "visible_when": {"rules": [{"field": "last", "op": "eq", "value": 1}]},
                    },
                    {
                        "key": "grid",
                        "type": "table",
                        "label": "表",
                        "columns": [{"key": "f", "type": "file", "label": "文件"}],
                    },
                    {
                        "key": "last",
                        "type": "number",
                        "label": "数",
                        "precision": 9,
                        "pattern": "(",
                    },
                ]
            }
        )
    problems = invalid.value.problems
    assert "fields.0.key" in problems
    assert problems["fields.1.options"] == ["请至少添加一个选项"]
    assert problems["fields.2.key"] == ["字段标识重复"]
    assert problems["fields.3.visible_when.rules.0.field"] == ["条件只能引用排在前面的字段"]
    assert problems["fields.4.columns.0.type"] == ["表格列不能是这种类型"]
    assert problems["fields.5.precision"] == ["小数位数须在0到6之间"]
    assert problems["fields.5.pattern"] == ["正则表达式无效"]


def test_a_default_must_itself_be_valid():
    with pytest.raises(SchemaInvalid) as invalid:
        schema_check(
            {"fields": [{"key": "n", "type": "number", "label": "数", "max": 5, "default": 9}]}
        )
    assert invalid.value.problems == {"fields.0.default": ["默认值无效：不能大于 5"]}


def test_answers_are_displayed_as_text():
    data = form_validate(ACCOUNT_FORM, GOOD).data
    data["photo"] = [31]
    shown = form_display(ACCOUNT_FORM, data, names={})
    by_key = {row["key"]: row for row in shown}
    assert [row["key"] for row in shown][:3] == ["system", "employee_no", "accounts"]
    assert by_key["system"]["text"] == "HIS"
    assert by_key["accounts"]["text"] == "2 个"
    assert by_key["members"]["table"]["rows"] == [["王医生", "2026-12-01", "医生"]]
    assert by_key["photo"]["attachments"] == [31]
    schema = {"fields": [{"key": "who", "type": "user", "label": "使用人"}]}
    assert references_of(schema, {"who": 5}) == {"users": {5}}
    assert form_display(schema, {"who": 5}, {"users": {5: "王医生"}})[0]["text"] == "王医生"


SENSITIVE_FORM = {
    "fields": [
        {"key": "id_card", "type": "text", "label": "身份证号", "sensitive": True},
        {"key": "id_scan", "type": "image", "label": "身份证复印件", "sensitive": True},
        {"key": "room", "type": "text", "label": "房间号"},
    ]
}


def test_only_text_number_and_file_fields_may_be_sensitive():
    schema_check(SENSITIVE_FORM)
    with pytest.raises(SchemaInvalid) as invalid:
        schema_check(
            {
                "fields": [
                    {"key": "who", "type": "user", "label": "使用人", "sensitive": True},
                    {"key": "id_card", "type": "text", "label": "身份证号", "sensitive": "yes"},
                ]
            }
        )
    assert invalid.value.problems == {
        "fields.0.sensitive": ["只有文本、数字和附件字段可以标为敏感"],
        "fields.1.sensitive": ["须为是或否"],
    }


def test_sensitive_answers_are_masked_and_their_attachments_left_out():
    data = {"id_card": "110101199001011234", "id_scan": [31], "room": "302"}
    assert form_data_mask(SENSITIVE_FORM, data) == {
        "id_card": "1101**********1234",
        "id_scan": [],
        "room": "302",
    }
    assert data["id_card"] == "110101199001011234"  # a copy: the stored answers are untouched
    shown = {row["key"]: row for row in form_display(SENSITIVE_FORM, data, names={})}
    masked = {row["key"]: row for row in form_display_mask(SENSITIVE_FORM, list(shown.values()))}
    assert masked["id_card"]["text"] == "1101**********1234"
    assert masked["id_scan"]["attachments"] == []
    assert masked["room"]["text"] == "302"
