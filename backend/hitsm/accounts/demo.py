"""A realistic demo hospital: campuses, ~35 departments, ~60 staff across every role."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from hitsm.accounts.models import Department, DepartmentKind, User
from hitsm.accounts.roles import Role
from hitsm.accounts.services import ensure_role_groups, user_set_roles
from hitsm.core.context import acting_as

DEMO_PASSWORD = "Hitsm@2026"  # noqa: S105  (demo data only; printed by `make run`)

HOSPITAL = ("H7", "第七人民医院")
CAMPUSES = [("HQ", "总院区", "人民路 1 号"), ("EAST", "东院区", "滨江大道 88 号")]
DEPARTMENTS = [
    # code, name, campus, location, phone
    ("MZ", "门诊部", "HQ", "门诊楼 1–5 层", "8001"),
    ("JZ", "急诊科", "HQ", "急诊楼 1 层", "8120"),
    ("XNK", "心内科", "HQ", "住院楼 A 座 9 层", "8301"),
    ("HXNK", "呼吸内科", "HQ", "住院楼 A 座 8 层", "8302"),
    ("XHNK", "消化内科", "HQ", "住院楼 A 座 7 层", "8303"),
    ("SJNK", "神经内科", "HQ", "住院楼 A 座 6 层", "8304"),
    ("NFMK", "内分泌科", "HQ", "住院楼 A 座 5 层", "8305"),
    ("PWK", "普外科", "HQ", "住院楼 B 座 9 层", "8401"),
    ("GK", "骨科", "HQ", "住院楼 B 座 8 层", "8402"),
    ("SJWK", "神经外科", "HQ", "住院楼 B 座 7 层", "8403"),
    ("FCK", "妇产科", "HQ", "妇儿楼 3–5 层", "8501"),
    ("EK", "儿科", "HQ", "妇儿楼 1–2 层", "8502"),
    ("YK", "眼科", "HQ", "门诊楼 4 层", "8601"),
    ("EBH", "耳鼻喉科", "HQ", "门诊楼 4 层", "8602"),
    ("KQK", "口腔科", "HQ", "门诊楼 5 层", "8603"),
    ("MZK", "麻醉科", "HQ", "手术楼 3 层", "8701"),
    ("ICU", "重症医学科", "HQ", "手术楼 2 层", "8702"),
    ("JYK", "检验科", "HQ", "医技楼 2 层", "8801"),
    ("FSK", "放射科", "HQ", "医技楼 1 层", "8802"),
    ("CSK", "超声科", "HQ", "医技楼 3 层", "8803"),
    ("BLK", "病理科", "HQ", "医技楼 4 层", "8804"),
    ("YJK", "药剂科", "HQ", "门诊楼 1 层", "8901"),
    ("HLB", "护理部", "HQ", "行政楼 3 层", "8011"),
    ("YWC", "医务处", "HQ", "行政楼 2 层", "8012"),
    ("CWC", "财务处", "HQ", "行政楼 4 层", "8013"),
    ("YBB", "医保办", "HQ", "行政楼 4 层", "8014"),
    ("XXC", "信息管理处", "HQ", "行政楼 5 层 / 数据机房", "8000"),
    ("E-MZ", "东院门诊部", "EAST", "东院门诊楼", "9001"),
    ("E-JZ", "东院急诊科", "EAST", "东院急诊楼", "9120"),
    ("KFK", "康复医学科", "EAST", "东院康复楼", "9301"),
    ("TJZX", "体检中心", "EAST", "东院体检楼", "9401"),
]
WARDS = [
    ("XNK-1", "心内科一病区", "XNK"),
    ("XNK-CCU", "心内科 CCU", "XNK"),
    ("MZ-3F", "门诊三楼护士站", "MZ"),
]


@dataclass(frozen=True)
class Person:
    username: str
    name: str
    department: str
    title: str
    roles: tuple[str, ...]


PERSONAS = [
    Person("admin", "平台管理员", "XXC", "系统管理员", (Role.ADMIN, Role.SYSADMIN)),
    Person("nurse_li", "李护士", "MZ-3F", "护士", (Role.REQUESTER,)),
    Person("doctor_wang", "王医生", "XNK", "主治医师", (Role.REQUESTER,)),
    Person("agent_chen", "陈工", "XXC", "服务台坐席", (Role.AGENT,)),
    Person("engineer_zhang", "张工", "XXC", "应用工程师（HIS/EMR）", (Role.ENGINEER,)),
    Person(
        "sysadmin_liu", "刘工", "XXC", "系统工程师（服务器/虚拟化）", (Role.SYSADMIN, Role.ENGINEER)
    ),
    Person("manager_zhao", "赵主任", "XXC", "信息管理处主任", (Role.MANAGER,)),
    Person("head_sun", "孙科长", "JYK", "检验科科长", (Role.REQUESTER,)),
]
HEADS = {"JYK": "head_sun", "XXC": "manager_zhao", "XNK": "doctor_wang"}
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾"
GIVEN = [
    "伟",
    "芳",
    "娜",
    "敏",
    "静",
    "丽",
    "强",
    "磊",
    "洋",
    "艳",
    "勇",
    "军",
    "杰",
    "娟",
    "涛",
    "明",
    "超",
    "秀英",
    "霞",
    "平",
    "刚",
    "桂英",
    "建华",
    "晓东",
    "海燕",
    "文博",
    "思远",
    "雨萱",
]
IT_STAFF = [  # username, title, roles
    ("agent_he", "服务台坐席", (Role.AGENT,)),
    ("agent_gao", "服务台坐席", (Role.AGENT,)),
    ("agent_lin", "服务台坐席（夜班）", (Role.AGENT,)),
    ("agent_luo", "服务台组长", (Role.AGENT,)),
    ("eng_desktop_zheng", "桌面运维工程师", (Role.ENGINEER,)),
    ("eng_desktop_liang", "桌面运维工程师", (Role.ENGINEER,)),
    ("eng_network_xie", "网络工程师", (Role.ENGINEER,)),
    ("eng_app_song", "应用工程师（PACS/LIS）", (Role.ENGINEER,)),
    ("eng_app_tang", "应用工程师（手麻/合理用药）", (Role.ENGINEER,)),
    ("eng_db_xu", "数据库工程师", (Role.ENGINEER, Role.SYSADMIN)),
    ("sys_han", "安全工程师", (Role.SYSADMIN,)),
    ("manager_feng", "信息管理处副主任", (Role.MANAGER,)),
]
CLINICAL_TITLES = [
    "护士",
    "主管护师",
    "护士长",
    "住院医师",
    "主治医师",
    "副主任医师",
    "技师",
    "药师",
    "科室秘书",
]
CLINICAL_DEPARTMENTS = [code for code, *_ in DEPARTMENTS if code != "XXC"]


def _wecom_id(username: str) -> str:
    return "".join(part.capitalize() for part in username.split("_"))


def _staff() -> list[Person]:
    people = list(PERSONAS)
    for index, (username, title, roles) in enumerate(IT_STAFF):
        name = SURNAMES[(index * 7) % len(SURNAMES)] + GIVEN[(index * 5) % len(GIVEN)]
        people.append(Person(username, name, "XXC", title, roles))
    for index in range(42):
        department = CLINICAL_DEPARTMENTS[index % len(CLINICAL_DEPARTMENTS)]
        name = SURNAMES[(index * 11 + 3) % len(SURNAMES)] + GIVEN[(index * 13 + 1) % len(GIVEN)]
        title = CLINICAL_TITLES[index % len(CLINICAL_TITLES)]
        people.append(Person(f"staff{index + 1:03d}", name, department, title, (Role.REQUESTER,)))
    return people


def _upsert_department(
    code: str, name: str, kind: str, parent: Department | None, **extra: object
) -> Department:
    department, _ = Department.objects.update_or_create(
        code=code, defaults={"name": name, "kind": kind, "parent": parent, **extra}
    )
    return department


@transaction.atomic
def load_demo() -> dict[str, int]:
    """Create or refresh the demo hospital. Safe to run again: nothing is duplicated."""
    ensure_role_groups()
    with acting_as(label="command:seed_demo"):
        hospital = _upsert_department(HOSPITAL[0], HOSPITAL[1], DepartmentKind.HOSPITAL, None)
        campuses = {
            code: _upsert_department(
                code, name, DepartmentKind.CAMPUS, hospital, location=location, sort_order=i
            )
            for i, (code, name, location) in enumerate(CAMPUSES)
        }
        departments = {}
        for index, (code, name, campus, location, phone) in enumerate(DEPARTMENTS):
            departments[code] = _upsert_department(
                code,
                name,
                DepartmentKind.DEPARTMENT,
                campuses[campus],
                location=location,
                phone=phone,
                sort_order=index,
                wecom_department_id=100 + index,
            )
        for code, name, parent in WARDS:
            departments[code] = _upsert_department(
                code, name, DepartmentKind.WARD, departments[parent]
            )
        created = 0
        for number, person in enumerate(_staff(), start=1):
            user = User.objects.filter(username=person.username).first()
            fields = {
                "display_name": person.name,
                "department": departments[person.department],
                "title": person.title,
                "employee_no": f"E{number:05d}",
                "phone_ext": f"{6000 + number}",
                "wecom_userid": _wecom_id(person.username),
                "email": f"{person.username}@hospital.example",
            }
            if user is None:
                user = User(username=person.username, **fields)
                user.set_password(DEMO_PASSWORD)
                from django.utils import timezone

                user.password_changed_at = timezone.now()
                user.save()
                created += 1
            else:
                changed = [k for k, v in fields.items() if getattr(user, k) != v]
                for key in changed:
                    setattr(user, key, fields[key])
                if changed:
                    user.save(update_fields=changed)
            if person.username == "admin" and not user.is_superuser:
                user.is_superuser = user.is_staff = True  # may also use the Django admin
                user.save(update_fields=["is_superuser", "is_staff"])
            if set(person.roles) != set(user.groups.values_list("name", flat=True)):
                user_set_roles(user=user, roles=list(person.roles))
        for code, username in HEADS.items():
            department = departments[code]
            head = User.objects.get(username=username)
            if department.head_id != head.pk:
                department.head = head
                department.save(update_fields=["head", "updated_at"])
    return {
        "departments": Department.objects.count(),
        "users": User.objects.count(),
        "users_created": created,
    }
