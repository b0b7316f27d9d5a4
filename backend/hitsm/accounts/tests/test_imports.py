import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from hitsm.accounts.models import Department, User
from hitsm.core.models import Job, JobStatus

pytestmark = pytest.mark.django_db(transaction=True)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def workbook(departments: list[list[str]], users: list[list[str]]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "科室"
    sheet.append(["编码", "名称", "类型", "上级编码", "负责人用户名"])
    for row in departments:
        sheet.append(row)
    people = book.create_sheet("用户")
    people.append(
        [
            "用户名",
            "姓名",
            "工号",
            "科室编码",
            "职务",
            "分机号",
            "企业微信账号",
            "角色",
            "初始密码",
            "启用",
        ]
    )
    for row in users:
        people.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def upload(client, content: bytes, name: str = "staff.xlsx", content_type: str = XLSX):
    return client.post(
        "/api/v1/user-imports/",
        {"file": SimpleUploadedFile(name, content, content_type=content_type)},
        format="multipart",
    )


def test_an_admin_imports_departments_and_users(admin_user, client_for):
    content = workbook(
        [["HQ2", "东院区", "院区", "", ""], ["XNK", "心内科", "科室", "HQ2", "doctor_wang"]],
        [
            [
                "doctor_wang",
                "王医生",
                "D2001",
                "XNK",
                "主任医师",
                "5201",
                "WangYiSheng",
                "医护人员、服务台坐席",
                "Init#Pass2026",
                "是",
            ],
            ["nurse_zhou", "周护士", "N3001", "XNK", "护士", "5202", "", "requester", "", "是"],
        ],
    )
    response = upload(client_for(admin_user), content)
    assert response.status_code == 202, response.json()
    job = Job.objects.get(pk=response.json()["id"])
    assert job.status == JobStatus.SUCCEEDED, job.log
    assert job.result["users_created"] == 2 and job.result["departments_created"] == 2
    wang = User.objects.get(username="doctor_wang")
    assert wang.department.name == "心内科" and wang.department.parent.name == "东院区"
    assert wang.must_change_password and wang.check_password("Init#Pass2026")
    assert set(wang.groups.values_list("name", flat=True)) == {"requester", "agent"}
    assert Department.objects.get(code="XNK").head == wang
    assert not User.objects.get(username="nurse_zhou").has_usable_password()
    assert job.progress == job.total == 4


def test_a_file_with_any_bad_row_writes_nothing_and_lists_every_problem(admin_user, client_for):
    content = workbook(
        [["XNK", "心内科", "科室", "NOPE", ""]],
        [
            ["doctor_wang", "王医生", "D1", "XNK", "", "", "", "巫师", "", "是"],
            ["doctor_wang", "", "D1", "ZZZ", "", "", "", "", "weak", "也许"],
        ],
    )
    job = Job.objects.get(pk=upload(client_for(admin_user), content).json()["id"])
    assert job.status == JobStatus.FAILED
    messages = [f"{e['sheet']}{e['row']}:{e['message']}" for e in job.result["errors"]]
    assert any("上级编码 NOPE 不存在" in m for m in messages)
    assert any("角色“巫师”无效" in m for m in messages)
    assert any("用户名和姓名必填" in m for m in messages)
    assert not Department.objects.filter(code="XNK").exists()
    assert not User.objects.filter(username="doctor_wang").exists()


def test_a_gbk_csv_from_chinese_excel_is_read(admin_user, department_outpatient, client_for):
    csv_text = "用户名,姓名,工号,科室编码,角色\r\nnurse_wu,吴护士,N9,MZ,医护人员\r\n"
    job_id = upload(
        client_for(admin_user), csv_text.encode("gb18030"), "users.csv", "text/csv"
    ).json()["id"]
    assert Job.objects.get(pk=job_id).status == JobStatus.SUCCEEDED
    assert User.objects.get(username="nurse_wu").department == department_outpatient


def test_importing_twice_updates_instead_of_duplicating(admin_user, client_for):
    content = workbook(
        [["XNK", "心内科", "科室", "", ""]],
        [["doctor_wang", "王医生", "D1", "XNK", "", "", "", "", "", "是"]],
    )
    client = client_for(admin_user)
    upload(client, content)
    second = Job.objects.get(pk=upload(client, content).json()["id"])
    assert second.result["users_updated"] == 1 and second.result["users_created"] == 0
    assert User.objects.filter(username="doctor_wang").count() == 1


@pytest.mark.parametrize(
    ("name", "content", "fragment"),
    [
        ("staff.exe", b"MZ\x90\x00", ".xlsx 或 .csv"),
        ("staff.xlsx", b"not a zip at all", "不是有效的 Excel"),
    ],
)
def test_wrong_files_are_refused_before_any_job(admin_user, client_for, name, content, fragment):
    response = upload(client_for(admin_user), content, name)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "import.invalid_file"
    assert fragment in response.json()["error"]["fields"]["file"][0]
    assert not Job.objects.exists()


def test_only_admins_import(agent_chen, client_for):
    assert upload(client_for(agent_chen), workbook([], [])).status_code == 403


def test_the_template_downloads_with_both_sheets(admin_user, client_for):
    response = client_for(admin_user).get("/api/v1/user-imports/template/")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["科室", "用户"]
