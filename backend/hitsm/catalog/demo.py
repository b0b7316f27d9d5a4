"""Demo service catalog: the menu a 3,000-bed hospital offers its doctors and nurses.

Eleven menu headings and some sixty items (requests and incidents) with their forms, ticket
defaults, support groups, visibility and OBASHI links to the demo CMDB; the NFR of every
application and the patterns of business activity (门诊、急诊、住院、检验、影像、药房、
手术麻醉、体检); and the services whose standard times are fixed by their own SLA policy.

The catalog loads after the CMDB and before the SLA and the service desk. Ticket categories and
support groups are made here when missing, with the codes and names the service desk's demo uses
(it refreshes them afterwards). ``demo_submission`` gives the service desk's demo tickets their
catalog item and a valid form answer.

Loading twice changes nothing: rows are matched by code, a form is published only when its
draft differs from the published version, stakeholders are rewritten only when they differ.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from hitsm.accounts.models import AssignmentGroup, Department, User
from hitsm.accounts.roles import Role
from hitsm.catalog import formschema
from hitsm.catalog.choices import StakeholderRole, TicketKind
from hitsm.catalog.models import (
    ActivityPattern,
    CatalogCategory,
    CatalogItem,
    Category,
    Form,
    NfrRecord,
)
from hitsm.catalog.services import form_publish, form_save, item_save, nfr_save, pattern_save
from hitsm.cmdb.models import ConfigurationItem
from hitsm.core.context import acting_as

INCIDENT, REQUEST = TicketKind.INCIDENT, TicketKind.REQUEST
IT_ROLES = (Role.AGENT, Role.ENGINEER, Role.SYSADMIN, Role.MANAGER, Role.ADMIN)

# --- support groups and ticket categories (shared with the service desk's demo, by code) ------

GROUPS = {  # code → name, as hitsm/servicedesk/demo.py names them (it adds members)
    "desk": "服务台一线",
    "desktop": "桌面运维组",
    "network": "网络组",
    "apps-his": "应用组（HIS/EMR）",
    "apps-pacs": "应用组（PACS/LIS）",
    "system": "系统组（服务器/虚拟化）",
    "security": "安全组",
}
TICKET_CATEGORIES = [  # code, name, parent, kind, default group, sort order
    # the service desk's categories, exactly as its demo defines them
    ("hardware", "硬件设备", "", "", "desktop", 0),
    ("printer", "打印机（处方/腕带/条码/发票）", "hardware", "", "desktop", 1),
    ("pc", "电脑与外设", "hardware", "", "desktop", 2),
    ("card-reader", "读卡器（医保卡/身份证）", "hardware", "", "desktop", 3),
    ("network", "网络与Wi-Fi", "", "", "network", 4),
    ("application", "业务系统", "", "", "apps-his", 5),
    ("his", "HIS/EMR", "application", "", "apps-his", 6),
    ("pacs-lis", "PACS/LIS", "application", "", "apps-pacs", 7),
    ("account", "账号与权限", "", REQUEST, "apps-his", 8),
    ("server", "服务器与数据库", "", INCIDENT, "system", 9),
    ("security", "信息安全", "", "", "security", 10),
    # the catalog's own
    ("terminal", "自助机与移动终端", "hardware", "", "desktop", 11),
    ("comm", "电话与会议保障", "", "", "network", 12),
    ("software", "软件安装与使用", "", "", "desktop", 13),
    ("remote-access", "VPN 与远程访问", "", "", "security", 14),
    ("data-request", "数据与需求", "", REQUEST, "apps-his", 15),
    ("it-ops", "运维内部服务", "", REQUEST, "system", 16),
]

# --- menu headings ------------------------------------------------------------------------

MENU = [  # code, name, icon, description
    ("accounts", "账号与权限", "User", "HIS、EMR 等系统账号的开通、权限变更、密码与 CA 证书"),
    (
        "his-emr",
        "HIS/EMR 使用",
        "FirstAidKit",
        "医生站、护士站、电子病历、收费与医保结算的使用问题",
    ),
    ("pacs-lis", "PACS/LIS 使用", "Picture", "影像调阅、检查设备上传、检验仪器联机与结果回传"),
    ("printers", "打印机与终端", "Printer", "腕带、条码、发票、处方打印机，自助机、PDA、叫号屏"),
    ("network", "网络与 Wi-Fi", "Connection", "有线网络、无线网络、网络点位与外网访问"),
    ("comm", "电话与通讯", "Phone", "内线电话、新装移机、会议与远程会诊保障"),
    ("hardware", "硬件报修", "Monitor", "电脑、显示器、键盘鼠标等办公设备的报修与申领"),
    ("software", "软件安装与终端安全", "Download", "软件安装、U 盘使用、杀毒告警"),
    ("remote", "VPN 与远程访问", "Link", "VPN 账号、厂商远程运维接入"),
    ("demand", "数据与新系统需求", "DataAnalysis", "数据提取、报表、新系统、接口对接与系统变更"),
    ("it-internal", "信息科内部服务", "SetUp", "服务器资源、数据库权限、机房出入（仅信息管理处）"),
]

# --- form building blocks ----------------------------------------------------------------


def _opts(*pairs: tuple[str, str]) -> list[dict[str, str]]:
    return [{"value": value, "label": label} for value, label in pairs]


def _when(field_key: str, op: str, value: Any = None) -> dict[str, Any]:
    rule: dict[str, Any] = {"field": field_key, "op": op}
    if value is not None:
        rule["value"] = value
    return {"match": "all", "rules": [rule]}


def _f(key: str, kind: str, label: str, **extra: Any) -> dict[str, Any]:
    spec: dict[str, Any] = {"key": key, "type": kind, "label": label}
    if "when" in extra:
        spec["visible_when"] = _when(*extra.pop("when"))
    spec.update(extra)
    return spec


def _section(key: str, label: str, help_text: str = "") -> dict[str, Any]:
    return _f(key, "section", label, **({"help": help_text} if help_text else {}))


YES_NO = _opts(("yes", "是"), ("no", "否"))
EMPLOYEE_NO = {"pattern": r"^\d{6}$", "pattern_message": "请输入6位数字工号"}
# Mobile numbers and ID-card answers are masked for viewers not handling the ticket.
MOBILE = {"pattern": r"^1[3-9]\d{9}$", "pattern_message": "请输入11位手机号", "sensitive": True}
CONTACT = {
    "pattern": r"^(\d{4}|1[3-9]\d{9})$",
    "pattern_message": "请输入4位内线号码或11位手机号",
}
PATIENT_NO = {
    "pattern": r"^[A-Z]{0,2}\d{6,10}$",
    "pattern_message": "门诊号/住院号为6–10位数字，可带字母前缀",
}
ROLES = _opts(
    ("doctor", "医生"),
    ("nurse", "护士"),
    ("technician", "医技"),
    ("pharmacist", "药师"),
    ("clerk", "行政/收费"),
)
SYSTEMS = _opts(
    ("his", "HIS 医生站/护士站"),
    ("emr", "EMR 电子病历"),
    ("lis", "LIS 检验报告查询"),
    ("pacs", "PACS 影像调阅"),
    ("nis", "NIS 移动护理"),
    ("oa", "OA 办公"),
)


def _application(key: str, label: str, **extra: Any) -> dict[str, Any]:
    """A picker of application CIs (所属系统)."""
    return _f(key, "ci", label, source={"kind": "cis", "ci_class": "application"}, **extra)


def _occurred() -> dict[str, Any]:
    return _f("occurred_at", "datetime", "发生时间", required=True)


def _screenshot(label: str = "报错截图") -> dict[str, Any]:
    return _f("screenshot", "image", label, max_files=3, help="可截图或用手机拍屏幕")


def _scan(key: str = "application_form", label: str = "申请表扫描件") -> dict[str, Any]:
    return _f(key, "file", label, max_files=2, help="科主任签字的纸质申请表，扫描或拍照上传")


def _location(required: bool = True) -> dict[str, Any]:
    return _f(
        "location",
        "text",
        "所在位置",
        required=required,
        max=60,
        placeholder="楼栋 / 楼层 / 房间，如：门诊楼 3 层护士站",
    )


HIS_ACCOUNT_V1: list[dict[str, Any]] = [
    _section("applicant", "申请信息", "新入职、轮转、进修人员开通 HIS 等系统账号"),
    _f("department", "department", "所在科室", required=True),
    _f(
        "open_mode",
        "radio",
        "开通方式",
        required=True,
        default="single",
        options=_opts(("single", "单人开通"), ("batch", "批量开通")),
    ),
    _f("staff_name", "text", "姓名", required=True, max=20, when=("open_mode", "eq", "single")),
    _f(
        "employee_no",
        "text",
        "工号",
        required=True,
        when=("open_mode", "eq", "single"),
        **EMPLOYEE_NO,
    ),
    _f("role", "select", "角色", required=True, options=ROLES, when=("open_mode", "eq", "single")),
    _f(
        "prescription",
        "radio",
        "是否需要处方权",
        options=YES_NO,
        required=True,
        when=("role", "eq", "doctor"),
        help="需医务处备案的执业医师方可开通",
    ),
    _f(
        "account_count",
        "number",
        "开通账号数量",
        unit="个",
        min=2,
        max=50,
        required=True,
        when=("open_mode", "eq", "batch"),
    ),
    _f(
        "staff_list",
        "table",
        "批量开通人员",
        required=True,
        min_rows=2,
        max_rows=50,
        when=("open_mode", "eq", "batch"),
        columns=[
            _f("name", "text", "姓名", required=True, max=20),
            _f("employee_no", "text", "工号", required=True, **EMPLOYEE_NO),
            _f("department", "department", "科室", required=True),
            _f("role", "select", "角色", required=True, options=ROLES),
        ],
    ),
    _f("systems", "checkbox", "需开通的系统", required=True, options=SYSTEMS),
    _f("start_date", "date", "启用日期", required=True),
    _scan(),
    _f("remark", "textarea", "备注", max=500),
]
HIS_ACCOUNT_V2 = [
    *HIS_ACCOUNT_V1[:10],
    _f(
        "need_vpn",
        "radio",
        "是否需要 VPN",
        options=YES_NO,
        default="no",
        help="院外访问 HIS/EMR 需另行审批",
    ),
    _f(
        "vpn_purpose",
        "textarea",
        "VPN 用途",
        required=True,
        max=200,
        when=("need_vpn", "eq", "yes"),
    ),
    *HIS_ACCOUNT_V1[10:],
]
PRINTER_V1: list[dict[str, Any]] = [
    _f(
        "printer_type",
        "select",
        "打印机类型",
        required=True,
        options=_opts(
            ("wristband", "腕带打印机"),
            ("barcode", "条码/标签打印机"),
            ("invoice", "发票/票据打印机"),
            ("prescription", "处方/A4 激光打印机"),
            ("dot_matrix", "针式打印机"),
        ),
    ),
    _location(),
    _f("asset_no", "text", "资产编号", max=20, placeholder="机身上的资产标签，如 PRN-JZ-01"),
    _f(
        "symptoms",
        "checkbox",
        "故障现象",
        required=True,
        options=_opts(
            ("jam", "卡纸"),
            ("blank", "打印空白"),
            ("no_paper_error", "提示缺纸（实际有纸）"),
            ("garbled", "乱码"),
            ("offline", "脱机/找不到打印机"),
            ("offset", "打印偏移"),
        ),
    ),
    _f("has_backup", "radio", "附近是否有可用的备用打印机", options=YES_NO),
    _f("photo", "image", "现场照片", max_files=3),
]
PRINTER_V2 = [
    PRINTER_V1[0],
    _f(
        "wristband_spec",
        "select",
        "腕带规格",
        required=True,
        when=("printer_type", "eq", "wristband"),
        options=_opts(("adult", "成人腕带"), ("child", "儿童腕带"), ("newborn", "新生儿腕带")),
    ),
    *PRINTER_V1[1:],
]

FORMS: dict[str, tuple[str, str, list[list[dict[str, Any]]]]] = {
    # code: (name, description, published versions in order)
    "his-account": (
        "HIS 账号开通申请",
        "新入职、轮转、进修人员的系统账号",
        [HIS_ACCOUNT_V1, HIS_ACCOUNT_V2],
    ),
    "permission-change": (
        "系统权限变更申请",
        "转科、晋升、岗位调整后的权限调整",
        [
            [
                _f("user", "user", "使用人", required=True),
                _application("system", "所属系统", required=True),
                _f(
                    "change_type",
                    "radio",
                    "变更类型",
                    required=True,
                    options=_opts(
                        ("add", "增加权限"), ("remove", "取消权限"), ("adjust", "调整权限")
                    ),
                ),
                _f(
                    "reason",
                    "select",
                    "变更原因",
                    required=True,
                    options=_opts(
                        ("transfer", "转科"),
                        ("rotation", "规培/进修轮转"),
                        ("promotion", "职称晋升"),
                        ("post", "岗位调整"),
                        ("other", "其他"),
                    ),
                ),
                _f(
                    "new_department",
                    "department",
                    "新科室",
                    required=True,
                    when=("reason", "in", ["transfer", "rotation"]),
                ),
                _f(
                    "detail",
                    "textarea",
                    "权限变更内容",
                    required=True,
                    max=500,
                    placeholder="如：开通抗菌药物特殊使用级处方权",
                ),
                _f("effective_date", "date", "生效日期", required=True),
                _scan("approval_scan", "审批单扫描件"),
            ]
        ],
    ),
    "password-reset": (
        "密码重置/账号解锁",
        "核实身份后重置密码或解锁，临时密码短信发送",
        [
            [
                _f(
                    "system",
                    "select",
                    "系统",
                    required=True,
                    options=_opts(
                        ("his", "HIS"),
                        ("emr", "EMR"),
                        ("lis", "LIS"),
                        ("pacs", "PACS"),
                        ("nis", "移动护理"),
                        ("oa", "OA/邮箱"),
                        ("wifi", "Wi-Fi 认证"),
                    ),
                ),
                _f(
                    "action",
                    "radio",
                    "需要",
                    required=True,
                    default="reset",
                    options=_opts(("reset", "重置密码"), ("unlock", "解锁账号")),
                ),
                _f("employee_no", "text", "工号", required=True, **EMPLOYEE_NO),
                _f("mobile", "text", "手机号", required=True, help="用于接收临时密码", **MOBILE),
            ]
        ],
    ),
    "ca-ukey": (
        "CA 证书/UKey 办理",
        "电子签名证书新办、补办、续期与 PIN 解锁",
        [
            [
                _f(
                    "apply_type",
                    "radio",
                    "办理类型",
                    required=True,
                    options=_opts(
                        ("new", "新办"),
                        ("reissue", "补办"),
                        ("renew", "续期"),
                        ("unlock", "PIN 码解锁"),
                    ),
                ),
                _f("holder", "user", "证书持有人", required=True),
                _f(
                    "id_last4",
                    "text",
                    "身份证后四位",
                    required=True,
                    pattern=r"^\d{3}[\dXx]$",
                    pattern_message="请输入身份证号后四位",
                    sensitive=True,
                ),
                _f(
                    "lost",
                    "radio",
                    "原 UKey 是否遗失",
                    options=YES_NO,
                    required=True,
                    when=("apply_type", "eq", "reissue"),
                    help="遗失须先挂失吊销原证书",
                ),
                {**_scan("id_scan", "身份证复印件"), "sensitive": True},
            ]
        ],
    ),
    "account-disable": (
        "账号停用",
        "离职、退休、转岗后停用系统账号",
        [
            [
                _f("user", "user", "人员", required=True),
                _f(
                    "reason",
                    "select",
                    "原因",
                    required=True,
                    options=_opts(
                        ("leave", "离职"),
                        ("retire", "退休"),
                        ("transfer", "转岗"),
                        ("study_end", "进修/规培结束"),
                    ),
                ),
                _f("stop_date", "date", "停用日期", required=True),
                _f("systems", "checkbox", "停用系统", required=True, options=SYSTEMS),
                _f("keep_data", "radio", "是否保留个人文档", options=YES_NO, default="yes"),
            ]
        ],
    ),
    "his-fault": (
        "HIS/EMR 故障报修",
        "医生站、护士站打不开、卡顿、报错",
        [
            [
                _application("system", "所属系统", required=True),
                _f(
                    "scope",
                    "radio",
                    "影响范围",
                    required=True,
                    options=_opts(
                        ("single", "仅本机"), ("department", "本科室多台"), ("multi", "多个科室")
                    ),
                ),
                _f(
                    "affected_terminals",
                    "number",
                    "受影响终端数",
                    unit="台",
                    min=2,
                    max=2000,
                    when=("scope", "ne", "single"),
                ),
                _f("terminal", "text", "电脑 IP 或资产编号", max=40),
                _occurred(),
                _f("error_message", "textarea", "报错信息", max=1000),
                _screenshot(),
                _f("contact", "text", "联系电话", required=True, **CONTACT),
            ]
        ],
    ),
    "emr-fault": (
        "病历保存失败",
        "病历无法保存、内容丢失",
        [
            [
                _f("patient_no", "text", "住院号/门诊号", required=True, **PATIENT_NO),
                _f(
                    "record_type",
                    "select",
                    "病历类型",
                    required=True,
                    options=_opts(
                        ("first_course", "首次病程记录"),
                        ("daily_course", "日常病程记录"),
                        ("admission", "入院记录"),
                        ("discharge", "出院小结"),
                        ("operation", "手术记录"),
                        ("consultation", "会诊记录"),
                    ),
                ),
                _f("lost", "radio", "是否有内容丢失", options=YES_NO, required=True),
                _f("lost_detail", "textarea", "丢失的内容", max=500, when=("lost", "eq", "yes")),
                _occurred(),
                _screenshot(),
            ]
        ],
    ),
    "order-fault": (
        "医嘱提交失败",
        "医嘱无法提交、审核、执行",
        [
            [
                _f(
                    "order_type",
                    "select",
                    "医嘱类型",
                    required=True,
                    options=_opts(
                        ("long", "长期医嘱"),
                        ("temporary", "临时医嘱"),
                        ("exam", "检查检验申请"),
                        ("surgery", "手术申请"),
                        ("herbal", "草药处方"),
                    ),
                ),
                _f("patient_no", "text", "住院号/门诊号", required=True, **PATIENT_NO),
                _f("pass_alert", "radio", "是否出现合理用药提示", options=YES_NO),
                _f("error_message", "textarea", "报错信息", max=1000),
                _occurred(),
                _screenshot(),
            ]
        ],
    ),
    "billing-fault": (
        "收费结算异常",
        "无法结算、金额不符、退费失败",
        [
            [
                _f(
                    "window_no",
                    "text",
                    "收费窗口",
                    required=True,
                    max=20,
                    placeholder="如：门诊一楼 5 号窗口",
                ),
                _f(
                    "issue",
                    "select",
                    "问题类型",
                    required=True,
                    options=_opts(
                        ("settle", "无法结算"),
                        ("amount", "金额不符"),
                        ("refund", "退费失败"),
                        ("receipt", "票据打印异常"),
                    ),
                ),
                _f("amount", "number", "涉及金额", unit="元", precision=2, min=0, max=1000000),
                _f("patient_no", "text", "门诊号/住院号", **PATIENT_NO),
                _occurred(),
                _screenshot(),
            ]
        ],
    ),
    "insurance-fault": (
        "医保结算失败",
        "医保读卡、结算、上传失败",
        [
            [
                _f(
                    "insurance_type",
                    "select",
                    "医保类型",
                    required=True,
                    options=_opts(
                        ("employee", "职工医保"),
                        ("resident", "居民医保"),
                        ("remote", "异地医保"),
                        ("special", "门诊特殊病"),
                    ),
                ),
                _f(
                    "error_code",
                    "text",
                    "医保返回错误码",
                    max=40,
                    placeholder="如：E1003 参保人信息不存在",
                ),
                _f("affected_patients", "number", "影响患者人数", unit="人", min=1, max=10000),
                _occurred(),
                _screenshot(),
            ]
        ],
    ),
    "pass-rule": (
        "合理用药规则维护",
        "药学部提出的审方规则新增与调整",
        [
            [
                _f(
                    "rule_type",
                    "select",
                    "规则类型",
                    required=True,
                    options=_opts(
                        ("dose", "剂量"),
                        ("incompatibility", "配伍禁忌"),
                        ("indication", "适应症"),
                        ("population", "特殊人群（儿童/孕妇/老年）"),
                        ("skin_test", "皮试提醒"),
                    ),
                ),
                _f("drug_name", "text", "药品名称", required=True, max=60),
                _f("rule_content", "textarea", "规则内容", required=True, max=1000),
                _f(
                    "evidence", "file", "依据文件", max_files=3, help="药品说明书、指南或药事会纪要"
                ),
                _f("effective_date", "date", "启用日期", required=True),
            ]
        ],
    ),
    "pacs-fault": (
        "影像调阅问题",
        "PACS 影像打开慢、打不开、图像不全",
        [
            [
                _f(
                    "modality",
                    "select",
                    "检查类型",
                    required=True,
                    options=_opts(
                        ("ct", "CT"),
                        ("mr", "MR"),
                        ("dr", "DR"),
                        ("us", "超声"),
                        ("endo", "内镜"),
                        ("dsa", "DSA"),
                    ),
                ),
                _f(
                    "symptom",
                    "radio",
                    "现象",
                    required=True,
                    options=_opts(
                        ("slow", "调阅慢"), ("fail", "无法打开"), ("incomplete", "图像不全")
                    ),
                ),
                _f(
                    "wait_seconds",
                    "number",
                    "打开耗时",
                    unit="秒",
                    min=1,
                    max=3600,
                    when=("symptom", "eq", "slow"),
                ),
                _f("accession_no", "text", "检查号", max=20),
                _location(required=False),
                _occurred(),
            ]
        ],
    ),
    "pacs-device": (
        "影像设备上传失败",
        "CT、MR、DR 等设备图像无法上传 PACS",
        [
            [
                _f(
                    "device",
                    "select",
                    "设备",
                    required=True,
                    options=_opts(
                        ("ct1", "CT1（西门子 Force）"),
                        ("ct2", "CT2（联影 uCT 760）"),
                        ("mr1", "MR1（GE 3.0T）"),
                        ("dr1", "DR1（飞利浦）"),
                        ("dsa", "DSA"),
                    ),
                ),
                _f(
                    "pending_studies",
                    "number",
                    "积压检查数",
                    unit="例",
                    min=1,
                    max=1000,
                    required=True,
                ),
                _f("can_print_film", "radio", "能否打印胶片", options=YES_NO),
                _f("since", "time", "开始时间", required=True),
                _screenshot("设备报错照片"),
            ]
        ],
    ),
    "lis-instrument": (
        "LIS 仪器联机故障",
        "检验仪器与 LIS 之间不能收发申请或结果",
        [
            [
                _f(
                    "instrument",
                    "select",
                    "仪器",
                    required=True,
                    options=_opts(
                        ("hematology", "血球仪（迈瑞 BC-6800）"),
                        ("chemistry", "生化仪（罗氏 c702）"),
                        ("immunology", "免疫仪（雅培 i2000）"),
                        ("coagulation", "凝血仪（希森美康 CS-5100）"),
                        ("urine", "尿液分析仪"),
                        ("blood_gas", "血气分析仪"),
                    ),
                ),
                _f(
                    "direction",
                    "radio",
                    "故障方向",
                    required=True,
                    options=_opts(
                        ("both", "双向不通"), ("result", "结果不回传 LIS"), ("order", "不接收申请")
                    ),
                ),
                _f("backlog", "number", "积压标本", unit="份", min=0, max=5000, required=True),
                _f("since", "time", "故障开始时间", required=True),
                _f("manual_entry", "radio", "是否已启用手工录入", options=YES_NO),
                _screenshot(),
            ]
        ],
    ),
    "lis-result": (
        "检验结果未回传",
        "LIS 已审核但医生站/病历看不到结果",
        [
            [
                _f(
                    "barcode",
                    "text",
                    "标本条码",
                    required=True,
                    pattern=r"^\d{10,12}$",
                    pattern_message="条码为10–12位数字",
                ),
                _f("patient_no", "text", "住院号/门诊号", **PATIENT_NO),
                _f("sample_time", "datetime", "采样时间"),
                _f(
                    "where",
                    "checkbox",
                    "在哪里看不到",
                    required=True,
                    options=_opts(("his", "医生站"), ("emr", "电子病历"), ("app", "患者手机端")),
                ),
            ]
        ],
    ),
    "printer-fault": ("打印机故障报修", "腕带、条码、发票、处方打印机", [PRINTER_V1, PRINTER_V2]),
    "kiosk-fault": (
        "自助机故障",
        "挂号缴费一体机、报告打印机、取号机",
        [
            [
                _f(
                    "kiosk_type",
                    "select",
                    "自助机类型",
                    required=True,
                    options=_opts(
                        ("register_pay", "挂号缴费一体机"),
                        ("report", "报告打印机"),
                        ("invoice", "发票打印机"),
                        ("queue", "取号机"),
                    ),
                ),
                _f(
                    "kiosk_no",
                    "text",
                    "自助机编号",
                    required=True,
                    max=20,
                    placeholder="机身上的编号",
                ),
                _location(),
                _f(
                    "symptoms",
                    "checkbox",
                    "现象",
                    required=True,
                    options=_opts(
                        ("card", "无法读卡"),
                        ("pay", "无法支付"),
                        ("no_print", "不出凭条/报告"),
                        ("black", "黑屏"),
                        ("touch", "触屏失灵"),
                    ),
                ),
                _f("patient_charged", "radio", "患者是否已扣款", options=YES_NO, required=True),
                _f(
                    "refund_amount",
                    "number",
                    "需退款金额",
                    unit="元",
                    precision=2,
                    min=0.01,
                    max=100000,
                    required=True,
                    when=("patient_charged", "eq", "yes"),
                ),
                _f(
                    "patient_mobile",
                    "text",
                    "患者手机号",
                    when=("patient_charged", "eq", "yes"),
                    **MOBILE,
                ),
            ]
        ],
    ),
    "pda-fault": (
        "PDA 故障",
        "移动护理 PDA 扫码、联网、登录问题",
        [
            [
                _f("pda_no", "text", "PDA 编号", required=True, max=20),
                _f("ward", "department", "所在病区", required=True),
                _f(
                    "symptoms",
                    "checkbox",
                    "现象",
                    required=True,
                    options=_opts(
                        ("scan", "无法扫码"),
                        ("wifi", "频繁断网"),
                        ("battery", "电池不耐用"),
                        ("screen", "屏幕损坏"),
                        ("login", "无法登录"),
                    ),
                ),
                _f("need_spare", "radio", "是否需要备用机", options=YES_NO, default="yes"),
            ]
        ],
    ),
    "new-device": (
        "打印机/终端新增申请",
        "新增打印机、电脑、扫码枪、读卡器等",
        [
            [
                _f(
                    "device_type",
                    "select",
                    "设备类型",
                    required=True,
                    options=_opts(
                        ("wristband", "腕带打印机"),
                        ("barcode", "条码打印机"),
                        ("a4", "A4 打印机"),
                        ("pc", "电脑"),
                        ("scanner", "扫码枪"),
                        ("card_reader", "读卡器"),
                        ("screen", "叫号屏"),
                    ),
                ),
                _f(
                    "quantity", "number", "数量", unit="台", min=1, max=20, required=True, default=1
                ),
                _f("department", "department", "使用科室", required=True),
                _location(),
                _f("reason", "textarea", "申请理由", required=True, max=500),
                _f(
                    "budget",
                    "radio",
                    "经费来源",
                    options=_opts(("it", "信息科统一采购"), ("department", "科室经费")),
                ),
                _scan(),
            ]
        ],
    ),
    "network-fault": (
        "有线网络报修",
        "网口不通、网络中断、网速慢",
        [
            [
                _location(),
                _f(
                    "port_label",
                    "text",
                    "网口编号",
                    max=20,
                    placeholder="墙面面板上的标签，如 3F-312-02",
                ),
                _f(
                    "scope",
                    "radio",
                    "影响范围",
                    required=True,
                    options=_opts(
                        ("single", "单台电脑"), ("room", "整个房间"), ("floor", "整层楼")
                    ),
                ),
                _f("terminal_count", "number", "受影响终端数", unit="台", min=1, max=500),
                _f(
                    "checked",
                    "checkbox",
                    "已经检查过",
                    options=_opts(
                        ("cable", "网线已插好"),
                        ("restart", "已重启电脑"),
                        ("others", "其他电脑也不通"),
                    ),
                ),
                _occurred(),
            ]
        ],
    ),
    "wifi-fault": (
        "Wi-Fi 问题",
        "连不上、信号弱、频繁断线、认证失败",
        [
            [
                _f(
                    "ssid",
                    "select",
                    "网络名称",
                    required=True,
                    options=_opts(
                        ("staff", "HOSPITAL-STAFF（办公）"),
                        ("pda", "HOSPITAL-PDA（移动护理）"),
                        ("iot", "HOSPITAL-IOT（医疗物联网）"),
                        ("guest", "HOSPITAL-GUEST（访客）"),
                    ),
                ),
                _f(
                    "symptom",
                    "radio",
                    "现象",
                    required=True,
                    options=_opts(
                        ("cannot_connect", "连不上"),
                        ("weak", "信号弱"),
                        ("dropping", "频繁断线"),
                        ("auth", "认证失败"),
                    ),
                ),
                _location(),
                _f(
                    "device_kind",
                    "select",
                    "终端",
                    options=_opts(
                        ("phone", "手机"),
                        ("laptop", "笔记本"),
                        ("pda", "PDA"),
                        ("cart", "移动查房车"),
                        ("infusion", "输液监测设备"),
                    ),
                ),
                _f("usually_at", "time", "常出现的时间", help="如总在早上交班时断线"),
            ]
        ],
    ),
    "network-point": (
        "网络点位/IP 申请",
        "新增网口、固定 IP、医疗设备入网",
        [
            [
                _f(
                    "points",
                    "table",
                    "点位清单",
                    required=True,
                    min_rows=1,
                    max_rows=30,
                    columns=[
                        _f("room", "text", "房间", required=True, max=30),
                        _f("count", "number", "数量", unit="个", min=1, max=48, required=True),
                        _f(
                            "purpose",
                            "select",
                            "用途",
                            required=True,
                            options=_opts(
                                ("pc", "电脑"),
                                ("printer", "打印机"),
                                ("device", "医疗设备"),
                                ("camera", "摄像头"),
                            ),
                        ),
                    ],
                ),
                _f("needed_by", "date", "需求日期", required=True),
                _f("medical_device", "radio", "是否医疗设备入网", options=YES_NO, required=True),
                _f(
                    "device_model",
                    "text",
                    "设备型号",
                    required=True,
                    max=60,
                    when=("medical_device", "eq", "yes"),
                ),
            ]
        ],
    ),
    "internet-access": (
        "外网访问开通申请",
        "内网终端访问指定互联网地址",
        [
            [
                _f("user", "user", "使用人", required=True),
                _f(
                    "url",
                    "text",
                    "访问网址",
                    required=True,
                    max=200,
                    pattern=r"^(https?://)?[\w.-]+(\.[\w.-]+)+(/\S*)?$",
                    pattern_message="请输入网址",
                ),
                _f("purpose", "textarea", "用途", required=True, max=300),
                _f("until", "date", "有效期至", required=True),
            ]
        ],
    ),
    "new-phone": (
        "新电话开通/移机",
        "新装内线、移机、开通外线或长途",
        [
            [
                _f(
                    "request_type",
                    "radio",
                    "办理类型",
                    required=True,
                    options=_opts(
                        ("new", "新装"),
                        ("move", "移机"),
                        ("outside", "开通外线"),
                        ("long", "开通长途"),
                    ),
                ),
                _f(
                    "old_extension",
                    "text",
                    "原号码",
                    required=True,
                    when=("request_type", "eq", "move"),
                    pattern=r"^\d{4}$",
                    pattern_message="内线号码为4位数字",
                ),
                _f("department", "department", "使用科室", required=True),
                _location(),
                _f("quantity", "number", "数量", unit="部", min=1, max=20, default=1),
            ]
        ],
    ),
    "phone-fault": (
        "内线电话故障",
        "无拨号音、打不出、打不进、杂音",
        [
            [
                _f(
                    "extension",
                    "text",
                    "内线号码",
                    required=True,
                    pattern=r"^\d{4}$",
                    pattern_message="内线号码为4位数字",
                ),
                _f(
                    "symptom",
                    "radio",
                    "现象",
                    required=True,
                    options=_opts(
                        ("dead", "无拨号音"),
                        ("no_out", "打不出"),
                        ("no_in", "打不进"),
                        ("noise", "杂音"),
                    ),
                ),
                _location(),
            ]
        ],
    ),
    "meeting-support": (
        "会议保障申请",
        "会场投影、话筒、视频会议、直播",
        [
            [
                _f("meeting_name", "text", "会议名称", required=True, max=60),
                _f("meeting_date", "date", "会议日期", required=True),
                _f("start_time", "time", "开始时间", required=True),
                _f("end_time", "time", "结束时间", required=True),
                _f(
                    "venue",
                    "select",
                    "会议地点",
                    required=True,
                    options=_opts(
                        ("hq_hall", "行政楼一楼报告厅"),
                        ("mz_10f", "门诊楼十楼会议室"),
                        ("east_hall", "东院学术报告厅"),
                        ("online", "线上"),
                    ),
                ),
                _f("attendees", "number", "参会人数", unit="人", min=1, max=1000),
                _f(
                    "needs",
                    "checkbox",
                    "需要保障",
                    required=True,
                    options=_opts(
                        ("projector", "投影"),
                        ("mic", "话筒扩音"),
                        ("video", "视频会议"),
                        ("live", "直播"),
                        ("record", "录像"),
                    ),
                ),
                _f("contact", "user", "现场联系人", required=True),
            ]
        ],
    ),
    "remote-consult": (
        "远程会诊保障",
        "远程会诊设备调试与现场保障",
        [
            [
                _f("consult_at", "datetime", "会诊时间", required=True),
                _f("duration", "number", "预计时长", unit="分钟", min=10, max=480, default=60),
                _f("department", "department", "申请科室", required=True),
                _f("partner", "text", "对方医院", required=True, max=60),
                _f(
                    "platform",
                    "select",
                    "会诊平台",
                    required=True,
                    options=_opts(
                        ("national", "国家远程医疗平台"),
                        ("province", "省远程会诊中心"),
                        ("tencent", "腾讯会议"),
                        ("other", "其他"),
                    ),
                ),
                _f(
                    "needs",
                    "checkbox",
                    "需要",
                    options=_opts(
                        ("camera", "高清摄像头"),
                        ("whiteboard", "电子白板"),
                        ("pacs", "PACS 影像共享"),
                        ("record", "录像"),
                    ),
                ),
            ]
        ],
    ),
    "pc-fault": (
        "电脑故障报修",
        "蓝屏、开不了机、死机、显示器故障",
        [
            [
                _f("asset_no", "text", "资产编号", max=20, placeholder="机箱上的资产标签"),
                _location(),
                _f(
                    "symptoms",
                    "checkbox",
                    "现象",
                    required=True,
                    options=_opts(
                        ("bluescreen", "蓝屏"),
                        ("no_boot", "开不了机"),
                        ("freeze", "频繁死机"),
                        ("slow", "运行很慢"),
                        ("monitor_black", "显示器黑屏"),
                        ("monitor_flicker", "花屏/闪烁"),
                    ),
                ),
                _f("affects_care", "radio", "是否影响诊疗", options=YES_NO, required=True),
                _f("photo", "image", "故障照片", max_files=3),
            ]
        ],
    ),
    "pc-request": (
        "电脑新增/更换申请",
        "新增或更换办公电脑、医生工作站",
        [
            [
                _f(
                    "request_type",
                    "radio",
                    "类型",
                    required=True,
                    options=_opts(("new", "新增"), ("replace", "更换")),
                ),
                _f(
                    "old_asset_no",
                    "text",
                    "原设备资产编号",
                    required=True,
                    when=("request_type", "eq", "replace"),
                ),
                _f(
                    "quantity", "number", "数量", unit="台", min=1, max=30, required=True, default=1
                ),
                _f(
                    "spec",
                    "select",
                    "配置",
                    required=True,
                    options=_opts(
                        ("office", "标准办公"),
                        ("doctor", "医生工作站"),
                        ("imaging", "影像诊断工作站（双屏）"),
                    ),
                ),
                _f("department", "department", "使用科室", required=True),
                _f("reason", "textarea", "申请理由", required=True, max=500),
                _scan(),
            ]
        ],
    ),
    "software-install": (
        "软件安装申请",
        "在院内电脑上安装软件",
        [
            [
                _f("software_name", "text", "软件名称", required=True, max=60),
                _f("version", "text", "版本", max=20),
                _f(
                    "license",
                    "radio",
                    "授权情况",
                    required=True,
                    options=_opts(
                        ("hospital", "医院已购"),
                        ("free", "免费软件"),
                        ("department", "科室自购"),
                        ("unknown", "不清楚"),
                    ),
                ),
                _f(
                    "terminals",
                    "select",
                    "安装电脑",
                    multiple=True,
                    source={"kind": "cis", "ci_class": "terminal"},
                    help="可多选；列表中没有的请写在用途里",
                ),
                _f("purpose", "textarea", "用途", required=True, max=300),
                _f(
                    "license_file",
                    "file",
                    "授权证明",
                    max_files=2,
                    when=("license", "eq", "department"),
                ),
            ]
        ],
    ),
    "usb-request": (
        "U 盘/USB 使用申请",
        "临时开通 USB 存储使用权限",
        [
            [
                _f("user", "user", "使用人", required=True),
                _f(
                    "device",
                    "select",
                    "设备类型",
                    required=True,
                    options=_opts(
                        ("udisk", "U 盘"),
                        ("hdd", "移动硬盘"),
                        ("medical", "USB 医疗设备"),
                        ("phone", "手机数据线"),
                    ),
                ),
                _f("start_date", "date", "开始日期", required=True),
                _f("end_date", "date", "结束日期", required=True),
                _f("purpose", "textarea", "用途", required=True, max=300),
                _f("patient_data", "radio", "是否涉及患者数据", options=YES_NO, required=True),
                _f(
                    "commitments",
                    "checkbox",
                    "使用承诺",
                    required=True,
                    options=_opts(
                        ("no_privacy", "不拷贝患者隐私数据"),
                        ("scan", "使用前查杀病毒"),
                        ("encrypt", "使用加密 U 盘"),
                    ),
                ),
            ]
        ],
    ),
    "antivirus": (
        "杀毒软件告警",
        "终端发现病毒、木马、勒索软件",
        [
            [
                _f("terminal", "text", "电脑 IP 或资产编号", required=True, max=40),
                _f(
                    "alert_type",
                    "select",
                    "告警类型",
                    required=True,
                    options=_opts(
                        ("virus", "病毒"),
                        ("trojan", "木马"),
                        ("ransomware", "勒索软件"),
                        ("mining", "挖矿程序"),
                        ("other", "其他"),
                    ),
                ),
                _f(
                    "isolated",
                    "radio",
                    "是否已拔网线",
                    options=YES_NO,
                    required=True,
                    help="疑似勒索软件请立即拔掉网线，不要关机",
                ),
                _f("found_at", "datetime", "发现时间", required=True),
                _f(
                    "before",
                    "textarea",
                    "告警前做过的操作",
                    max=500,
                    placeholder="如：插了 U 盘、打开了邮件附件",
                ),
                _screenshot("告警截图"),
            ]
        ],
    ),
    "vpn-request": (
        "VPN 账号申请",
        "院外访问院内系统",
        [
            [
                _f("user", "user", "使用人", required=True),
                _f("department", "department", "所在科室", required=True),
                _f("mobile", "text", "手机号", required=True, help="用于短信验证码登录", **MOBILE),
                _application("systems", "需访问的系统", required=True, multiple=True),
                _f(
                    "purpose",
                    "radio",
                    "用途",
                    required=True,
                    options=_opts(
                        ("home", "居家办公"),
                        ("consult", "远程会诊"),
                        ("research", "科研"),
                        ("vendor", "厂商运维"),
                    ),
                ),
                _f("valid_until", "date", "有效期至", required=True),
                _scan(),
            ]
        ],
    ),
    "vendor-remote": (
        "厂商远程运维接入",
        "厂商工程师远程接入院内系统",
        [
            [
                _application("system", "运维系统", required=True),
                _f("vendor", "text", "厂商", required=True, max=40),
                _f("engineer", "text", "厂商工程师", required=True, max=20),
                _f("mobile", "text", "工程师手机号", required=True, **MOBILE),
                _f("start_at", "datetime", "开始时间", required=True),
                _f("end_at", "datetime", "结束时间", required=True),
                _f("operations", "textarea", "操作内容", required=True, max=1000),
                _f("change_involved", "radio", "是否涉及系统变更", options=YES_NO, required=True),
                _f(
                    "change_no",
                    "text",
                    "变更单号",
                    required=True,
                    max=30,
                    when=("change_involved", "eq", "yes"),
                ),
            ]
        ],
    ),
    "data-extract": (
        "数据提取申请",
        "科研、质控、管理用数据提取",
        [
            [
                _section("purpose_section", "用途与范围"),
                _f(
                    "purpose",
                    "select",
                    "用途",
                    required=True,
                    options=_opts(
                        ("research", "科研"),
                        ("quality", "医疗质控"),
                        ("insurance", "医保审核"),
                        ("management", "管理决策"),
                        ("inspection", "上级检查"),
                    ),
                ),
                _f(
                    "ethics",
                    "file",
                    "伦理审批/科研立项扫描件",
                    max_files=3,
                    when=("purpose", "eq", "research"),
                ),
                _application("systems", "数据来源系统", required=True, multiple=True),
                _f("from_date", "date", "数据起始日期", required=True),
                _f("to_date", "date", "数据截止日期", required=True),
                _f(
                    "fields",
                    "textarea",
                    "所需数据项",
                    required=True,
                    max=2000,
                    placeholder="如：诊断、入院日期、出院日期、LVEF、BNP",
                ),
                _section("privacy_section", "隐私与交付", "涉及患者隐私的数据须脱敏，经医务处审核"),
                _f("privacy", "radio", "是否含患者身份信息", options=YES_NO, required=True),
                _f(
                    "desensitize",
                    "select",
                    "脱敏方式",
                    required=True,
                    when=("privacy", "eq", "yes"),
                    options=_opts(
                        ("deidentify", "去标识化"),
                        ("pseudonymize", "假名化"),
                        ("aggregate", "仅汇总统计"),
                    ),
                ),
                _f("volume", "number", "预计数据量", unit="GB", precision=1, min=0, max=10000),
                _f(
                    "format",
                    "radio",
                    "交付格式",
                    options=_opts(("excel", "Excel"), ("csv", "CSV"), ("view", "数据库视图")),
                ),
                _f("needed_by", "date", "期望交付日期"),
            ]
        ],
    ),
    "report-request": (
        "报表需求",
        "新增或修改统计报表",
        [
            [
                _f("report_name", "text", "报表名称", required=True, max=60),
                _application("system", "所属系统", required=True),
                _f(
                    "frequency",
                    "select",
                    "统计频率",
                    required=True,
                    options=_opts(
                        ("daily", "日报"),
                        ("weekly", "周报"),
                        ("monthly", "月报"),
                        ("quarterly", "季报"),
                        ("yearly", "年报"),
                        ("realtime", "实时"),
                    ),
                ),
                _f(
                    "report_fields",
                    "table",
                    "报表字段",
                    required=True,
                    min_rows=1,
                    max_rows=40,
                    columns=[
                        _f("name", "text", "字段名", required=True, max=30),
                        _f("definition", "text", "统计口径", max=100),
                        _f("source", "text", "数据来源", max=40),
                    ],
                ),
                _f(
                    "delivery",
                    "checkbox",
                    "获取方式",
                    options=_opts(
                        ("query", "系统内查询"), ("excel", "导出 Excel"), ("wecom", "企业微信推送")
                    ),
                ),
                _f("users", "user", "报表使用人", multiple=True),
            ]
        ],
    ),
    "new-system": (
        "新系统需求申请",
        "科室提出的新信息系统建设需求",
        [
            [
                _section("overview", "需求概况"),
                _f("system_name", "text", "系统名称", required=True, max=60),
                _f("business_need", "textarea", "业务需求", required=True, max=3000),
                _f("departments", "department", "使用科室", required=True, multiple=True),
                _section("nfr", "非功能性需求", "用于容量规划与等保定级，请尽量估算"),
                _f("accounts", "number", "系统账号数量", unit="个", min=1, max=100000),
                _f("concurrent", "number", "预估并发账号数", unit="个", min=1, max=100000),
                _f("yearly_storage", "number", "年度数据空间需求", unit="GB", precision=1, min=0),
                _f("daily_growth", "number", "每日增长空间需求", unit="MB", precision=1, min=0),
                _f("bandwidth", "number", "带宽需求", unit="Mbps", min=0, max=100000),
                _f(
                    "integrations",
                    "checkbox",
                    "需对接的系统",
                    options=_opts(
                        ("his", "HIS"),
                        ("emr", "EMR"),
                        ("lis", "LIS"),
                        ("pacs", "PACS"),
                        ("esb", "集成平台"),
                        ("insurance", "医保"),
                    ),
                ),
                _f("expected_go_live", "date", "期望上线日期"),
                _f("proposal", "file", "需求文档/方案", max_files=5),
            ]
        ],
    ),
    "interface-request": (
        "接口对接申请",
        "系统之间的数据接口",
        [
            [
                _application("source_system", "提供方系统", required=True),
                _application("target_system", "接收方系统", required=True),
                _f(
                    "data_sets",
                    "select",
                    "交换的业务数据",
                    required=True,
                    multiple=True,
                    source={"kind": "cis", "ci_class": "business_data"},
                ),
                _f(
                    "mode",
                    "radio",
                    "交换方式",
                    required=True,
                    options=_opts(("realtime", "实时"), ("batch", "定时批量")),
                ),
                _f(
                    "protocol",
                    "select",
                    "接口标准",
                    options=_opts(
                        ("hl7v2", "HL7 v2"),
                        ("fhir", "FHIR"),
                        ("ws", "WebService"),
                        ("view", "数据库视图"),
                    ),
                ),
                _f("expected_date", "date", "期望完成日期"),
            ]
        ],
    ),
    "system-change": (
        "系统变更需求",
        "已上线系统的功能新增或修改",
        [
            [
                _application("system", "所属系统", required=True),
                _f(
                    "change_type",
                    "radio",
                    "变更类型",
                    required=True,
                    options=_opts(
                        ("feature", "功能新增"),
                        ("modify", "功能修改"),
                        ("ui", "界面调整"),
                        ("config", "参数配置"),
                        ("workflow", "流程调整"),
                    ),
                ),
                _f("description", "textarea", "变更内容", required=True, max=3000),
                _f(
                    "urgency",
                    "select",
                    "紧急程度",
                    required=True,
                    options=_opts(
                        ("normal", "一般"), ("soon", "较急"), ("safety", "紧急（影响医疗安全）")
                    ),
                ),
                _f("expected_at", "datetime", "期望完成时间"),
                _f("mockup", "image", "截图或示意图", max_files=5),
            ]
        ],
    ),
    "server-resource": (
        "服务器/虚拟机资源申请",
        "为业务系统分配虚拟机资源",
        [
            [
                _application("system", "所属系统", required=True),
                _f(
                    "environment",
                    "radio",
                    "环境",
                    required=True,
                    options=_opts(("prod", "生产"), ("test", "测试")),
                ),
                _f("count", "number", "台数", unit="台", min=1, max=20, required=True),
                _f("vcpu", "number", "vCPU", unit="核", min=1, max=64, required=True),
                _f("memory", "number", "内存", unit="GB", min=1, max=512, required=True),
                _f("disk", "number", "数据盘", unit="GB", min=0, max=20000),
                _f(
                    "os",
                    "select",
                    "操作系统",
                    required=True,
                    options=_opts(
                        ("kylin", "银河麒麟 V10"),
                        ("uos", "统信 UOS"),
                        ("centos", "CentOS 7.9"),
                        ("windows", "Windows Server 2019"),
                    ),
                ),
                _f("needed_by", "date", "需求日期"),
            ]
        ],
    ),
    "dc-access": (
        "机房出入登记",
        "外来人员进入数据机房",
        [
            [
                _f(
                    "room",
                    "select",
                    "机房",
                    required=True,
                    source={"kind": "cis", "ci_class": "datacenter_room"},
                ),
                _f("enter_at", "datetime", "进入时间", required=True),
                _f("leave_at", "datetime", "预计离开时间", required=True),
                _f(
                    "visitors",
                    "table",
                    "进入人员",
                    required=True,
                    min_rows=1,
                    max_rows=10,
                    columns=[
                        _f("name", "text", "姓名", required=True, max=20),
                        _f("company", "text", "单位", required=True, max=40),
                        _f("phone", "text", "手机号", **MOBILE),
                    ],
                ),
                _f("work", "textarea", "工作内容", required=True, max=500),
                _f("escort", "user", "陪同人员", required=True),
            ]
        ],
    ),
}
FORM_NOTES = {2: {"his-account": "增加 VPN 需求", "printer-fault": "腕带打印机增加腕带规格"}}

# --- items --------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoItem:
    code: str
    name: str
    menu: str
    kind: str
    icon: str
    description: str
    keywords: str
    form: str = ""
    impact: int = 3
    urgency: int = 2
    category: str = ""
    group: str = ""
    departments: tuple[str, ...] = ()
    roles: tuple[str, ...] = ()
    cis: tuple[str, ...] = ()
    approval: bool = False


OUTPATIENT = ("MZ", "E-MZ")
ITEMS = [
    # 账号与权限
    DemoItem(
        "his-account-open",
        "HIS 账号开通",
        "accounts",
        REQUEST,
        "UserFilled",
        "新入职、轮转、进修人员开通 HIS、EMR 等账号；科主任审批后由应用组开通，1 个工作日内完成。",
        "账号 开通 新入职 进修 规培 工号",
        "his-account",
        3,
        2,
        "account",
        "apps-his",
        cis=("HIS", "EMR", "BA-MZKF", "BA-ZYYZ", "BA-BLSX"),
        approval=True,
    ),
    DemoItem(
        "permission-change",
        "系统权限变更",
        "accounts",
        REQUEST,
        "Key",
        "转科、轮转、职称晋升后调整 HIS/EMR 权限，如处方权、抗菌药物分级权限、病历审签权限。",
        "权限 处方权 抗菌药物 转科 审签",
        "permission-change",
        3,
        2,
        "account",
        "apps-his",
        cis=("HIS", "EMR", "BA-ZYYZ"),
        approval=True,
    ),
    DemoItem(
        "password-reset",
        "密码重置/账号解锁",
        "accounts",
        REQUEST,
        "Unlock",
        "忘记密码或输错被锁定。服务台核实工号与手机号后重置，临时密码短信发送，15 分钟内响应。",
        "密码 忘记 重置 锁定 解锁",
        "password-reset",
        3,
        1,
        "account",
        "desk",
        cis=("HIS", "EMR", "OA"),
    ),
    DemoItem(
        "ca-ukey",
        "CA 证书/UKey 办理",
        "accounts",
        REQUEST,
        "Stamp",
        "电子病历签名用的 CA 证书与 UKey：新办、补办、续期、PIN 码解锁。",
        "CA UKey 电子签名 证书 PIN",
        "ca-ukey",
        3,
        2,
        "account",
        "apps-his",
        cis=("EMR", "BA-BLSX"),
    ),
    DemoItem(
        "account-disable",
        "账号停用（离职/转岗）",
        "accounts",
        REQUEST,
        "CircleClose",
        "人员离职、退休、进修规培结束后停用全部系统账号，科室或人事处提交。",
        "离职 停用 注销 退休",
        "account-disable",
        3,
        3,
        "account",
        "apps-his",
        cis=("HIS", "EMR", "OA"),
    ),
    DemoItem(
        "oa-mailbox",
        "OA 账号与邮箱",
        "accounts",
        REQUEST,
        "Message",
        "OA 办公系统账号、院内邮箱开通与容量调整。",
        "OA 邮箱 公文",
        "",
        3,
        3,
        "account",
        "apps-his",
        cis=("OA", "BA-XZSP"),
    ),
    # HIS/EMR 使用
    DemoItem(
        "doctor-station-down",
        "医生站打不开",
        "his-emr",
        INCIDENT,
        "WarningFilled",
        "门诊或住院医生站无法登录、闪退、白屏。请注明影响范围，多科室同时出现请直接"
        "电话服务台 8000。",
        "医生站 打不开 闪退 白屏 登录",
        "his-fault",
        2,
        1,
        "his",
        "apps-his",
        cis=("HIS", "BA-MZKF", "BA-ZYYZ"),
    ),
    DemoItem(
        "his-slow",
        "HIS 运行缓慢/卡顿",
        "his-emr",
        INCIDENT,
        "Odometer",
        "开医嘱、保存、查询时长时间转圈。",
        "卡 慢 转圈 卡顿 HIS",
        "his-fault",
        2,
        2,
        "his",
        "apps-his",
        cis=("HIS", "BA-MZGH", "BA-MZKF"),
    ),
    DemoItem(
        "emr-save-failed",
        "病历保存失败",
        "his-emr",
        INCIDENT,
        "DocumentDelete",
        "病程记录、入院记录等无法保存或保存后内容丢失。请勿关闭病历窗口，先截图。",
        "病历 保存 丢失 EMR",
        "emr-fault",
        3,
        1,
        "his",
        "apps-his",
        cis=("EMR", "BA-BLSX", "DATA-HLJL"),
    ),
    DemoItem(
        "order-submit-failed",
        "医嘱无法提交",
        "his-emr",
        INCIDENT,
        "DocumentRemove",
        "长期/临时医嘱、检查检验申请无法提交或审核。",
        "医嘱 提交 审核 申请单",
        "order-fault",
        2,
        1,
        "his",
        "apps-his",
        cis=("HIS", "PASS", "BA-ZYYZ", "DATA-CF", "DATA-JYSQ"),
    ),
    DemoItem(
        "billing-fault",
        "收费结算异常",
        "his-emr",
        INCIDENT,
        "Money",
        "门诊、住院收费无法结算，金额不符，退费失败。",
        "收费 结算 退费 发票 金额",
        "billing-fault",
        2,
        1,
        "his",
        "apps-his",
        departments=("CWC", *OUTPATIENT),
        cis=("HIS", "BA-SFJS"),
    ),
    DemoItem(
        "insurance-fault",
        "医保结算失败",
        "his-emr",
        INCIDENT,
        "CreditCard",
        "医保读卡、结算、上传失败，包括异地医保与门诊特殊病。",
        "医保 结算 异地 读卡 上传",
        "insurance-fault",
        2,
        1,
        "his",
        "apps-his",
        departments=("YBB", "CWC", *OUTPATIENT),
        cis=("YBJK", "HIS", "BA-YBJS", "DATA-YBJS"),
    ),
    DemoItem(
        "nis-fault",
        "护理系统故障",
        "his-emr",
        INCIDENT,
        "FirstAidKit",
        "护理记录、体温单、护理评估无法录入或打印。",
        "护理 体温单 护理记录 NIS",
        "his-fault",
        3,
        2,
        "his",
        "apps-his",
        cis=("NIS", "BA-HLJL", "DATA-HLJL"),
    ),
    DemoItem(
        "pass-rule",
        "合理用药规则维护",
        "his-emr",
        REQUEST,
        "Reading",
        "药剂科提出审方规则的新增与调整（剂量、配伍禁忌、皮试提醒等）。",
        "合理用药 审方 规则 配伍 PASS",
        "pass-rule",
        3,
        3,
        "his",
        "apps-his",
        departments=("YJK",),
        cis=("PASS", "BA-YFFY", "DATA-YYSH"),
    ),
    DemoItem(
        "aims-fault",
        "手麻系统故障",
        "his-emr",
        INCIDENT,
        "Timer",
        "手术排班、麻醉记录单、监护仪数据采集异常。",
        "手麻 麻醉 手术 监护仪 采集",
        "his-fault",
        2,
        1,
        "his",
        "apps-his",
        departments=("MZK", "ICU"),
        cis=("AIMS", "BA-SSMZ", "DATA-MZJL", "DATA-SSSQ"),
    ),
    DemoItem(
        "ih-fault",
        "互联网医院问题",
        "his-emr",
        INCIDENT,
        "Cellphone",
        "线上问诊、复诊开方、预约挂号的医生端问题。",
        "互联网医院 线上 问诊 复诊",
        "",
        3,
        2,
        "his",
        "apps-his",
        cis=("IH", "BA-HLWZ", "DATA-GH"),
    ),
    # PACS/LIS 使用
    DemoItem(
        "pacs-slow",
        "PACS 影像调阅慢",
        "pacs-lis",
        INCIDENT,
        "Picture",
        "医生站、阅片室打开影像慢、打不开或图像不全。",
        "PACS 影像 调阅 阅片 CT",
        "pacs-fault",
        2,
        2,
        "pacs-lis",
        "apps-pacs",
        cis=("PACS", "BA-YXJC", "DATA-JCBG"),
    ),
    DemoItem(
        "pacs-device",
        "影像设备上传失败",
        "pacs-lis",
        INCIDENT,
        "Camera",
        "CT、MR、DR 等设备图像无法上传 PACS，或 RIS 工作列表取不到检查。",
        "CT MR DR 上传 工作列表 DICOM",
        "pacs-device",
        2,
        1,
        "pacs-lis",
        "apps-pacs",
        departments=("FSK",),
        cis=("PACS", "RIS", "BA-YXJC", "DATA-JCSQ"),
    ),
    DemoItem(
        "report-return",
        "检查报告回传异常",
        "pacs-lis",
        INCIDENT,
        "Document",
        "放射、超声报告已审核但医生站或病历里看不到。",
        "报告 回传 检查报告 看不到",
        "",
        3,
        2,
        "pacs-lis",
        "apps-pacs",
        cis=("RIS", "HIS", "EMR", "DATA-JCBG"),
    ),
    DemoItem(
        "lis-instrument",
        "LIS 仪器联机故障",
        "pacs-lis",
        INCIDENT,
        "Cpu",
        "检验仪器与 LIS 之间不能接收申请或回传结果。7×24 小时 10 分钟响应。",
        "仪器 联机 LIS 结果 血球 生化",
        "lis-instrument",
        2,
        1,
        "pacs-lis",
        "apps-pacs",
        departments=("JYK",),
        cis=("LIS", "BA-JYSQ", "DATA-JYJG", "DATA-JYSQ"),
    ),
    DemoItem(
        "lis-result",
        "检验结果未回传",
        "pacs-lis",
        INCIDENT,
        "DocumentChecked",
        "LIS 已审核，但医生站、病历或患者手机端看不到检验结果。",
        "检验 结果 回传 看不到 报告",
        "lis-result",
        3,
        2,
        "pacs-lis",
        "apps-pacs",
        cis=("LIS", "HIS", "EMR", "DATA-JYJG"),
    ),
    DemoItem(
        "pis-fault",
        "病理系统故障",
        "pacs-lis",
        INCIDENT,
        "View",
        "病理登记、取材、诊断报告录入问题。",
        "病理 切片 取材 PIS",
        "",
        3,
        2,
        "pacs-lis",
        "apps-pacs",
        departments=("BLK",),
        cis=("PIS", "BA-BLZD", "DATA-BLBG"),
    ),
    DemoItem(
        "us-workstation",
        "超声工作站故障",
        "pacs-lis",
        INCIDENT,
        "Monitor",
        "超声工作站采图、出报告、打印问题。",
        "超声 采图 工作站 B超",
        "pc-fault",
        3,
        1,
        "pacs-lis",
        "apps-pacs",
        departments=("CSK",),
        cis=("RIS", "PACS", "BA-CSJC"),
    ),
    # 打印机与终端
    DemoItem(
        "wristband-printer",
        "腕带打印机故障",
        "printers",
        INCIDENT,
        "Postcard",
        "急诊分诊台、入院处、病房的患者腕带打印机。7×24 小时 10 分钟响应。",
        "腕带 打印机 打不出 急诊 入院",
        "printer-fault",
        2,
        1,
        "printer",
        "desktop",
        cis=("HIS", "BA-JZFZ", "BA-RYDJ", "BA-CPHD"),
    ),
    DemoItem(
        "barcode-printer",
        "条码/标签打印机故障",
        "printers",
        INCIDENT,
        "PriceTag",
        "采血窗口、护士站的标本条码与标签打印机。",
        "条码 标签 采血 打印机",
        "printer-fault",
        2,
        1,
        "printer",
        "desktop",
        cis=("LIS", "HIS", "BA-JYSQ"),
    ),
    DemoItem(
        "invoice-printer",
        "发票/票据打印机故障",
        "printers",
        INCIDENT,
        "Tickets",
        "收费窗口的发票与票据打印机。",
        "发票 票据 收费 针式",
        "printer-fault",
        2,
        1,
        "printer",
        "desktop",
        departments=("CWC", *OUTPATIENT),
        cis=("HIS", "BA-SFJS"),
    ),
    DemoItem(
        "prescription-printer",
        "处方/A4 打印机故障",
        "printers",
        INCIDENT,
        "Printer",
        "诊室、护士站的处方、病历、检查单打印机。",
        "处方 A4 打印机 卡纸 打不出",
        "printer-fault",
        3,
        1,
        "printer",
        "desktop",
        cis=("HIS", "BA-MZKF"),
    ),
    DemoItem(
        "kiosk-fault",
        "自助机故障",
        "printers",
        INCIDENT,
        "Platform",
        "挂号缴费一体机、报告打印机、取号机不能使用。患者已扣款的请填写退款信息。",
        "自助机 挂号 缴费 报告打印 扣款",
        "kiosk-fault",
        2,
        1,
        "terminal",
        "desktop",
        departments=("CWC", *OUTPATIENT),
        cis=("HIS", "IH", "BA-MZGH", "BA-SFJS"),
    ),
    DemoItem(
        "pda-fault",
        "PDA 故障",
        "printers",
        INCIDENT,
        "Iphone",
        "移动护理 PDA 无法扫码、断网、无法登录。",
        "PDA 扫码 移动护理 断网",
        "pda-fault",
        3,
        1,
        "terminal",
        "desktop",
        cis=("NIS", "BA-CPHD"),
    ),
    DemoItem(
        "queue-screen",
        "叫号屏/排队叫号故障",
        "printers",
        INCIDENT,
        "Bell",
        "诊区、收费处、药房的叫号屏黑屏或不叫号。",
        "叫号 排队 黑屏 分诊",
        "",
        2,
        2,
        "terminal",
        "desktop",
        cis=("HIS", "BA-MZGH"),
    ),
    DemoItem(
        "card-reader",
        "读卡器故障/驱动安装",
        "printers",
        INCIDENT,
        "Wallet",
        "医保卡、身份证、电子健康卡读卡器无法读卡或需安装驱动。",
        "读卡器 医保卡 身份证 驱动",
        "",
        3,
        2,
        "card-reader",
        "desktop",
        cis=("HIS", "YBJK", "BA-YBJS"),
    ),
    DemoItem(
        "new-device",
        "打印机/终端新增申请",
        "printers",
        REQUEST,
        "CirclePlus",
        "新增打印机、电脑、扫码枪、读卡器、叫号屏，科主任审批。",
        "新增 申请 打印机 扫码枪",
        "new-device",
        3,
        3,
        "hardware",
        "desktop",
        approval=True,
    ),
    # 网络与 Wi-Fi
    DemoItem(
        "wired-down",
        "有线网络中断",
        "network",
        INCIDENT,
        "Connection",
        "网口不通、整间诊室或整层断网。",
        "断网 网络 网线 不通 网口",
        "network-fault",
        2,
        1,
        "network",
        "network",
    ),
    DemoItem(
        "wifi",
        "Wi-Fi 无法连接/信号差",
        "network",
        INCIDENT,
        "Position",
        "办公、移动护理、物联网 Wi-Fi 连不上、信号弱、频繁断线。",
        "Wi-Fi WiFi 无线 信号 断线",
        "wifi-fault",
        3,
        2,
        "network",
        "network",
        cis=("NIS", "BA-CPHD"),
    ),
    DemoItem(
        "network-point",
        "网络点位/IP 申请",
        "network",
        REQUEST,
        "Share",
        "新增网口、固定 IP、医疗设备入网。",
        "网口 点位 IP 入网 布线",
        "network-point",
        3,
        3,
        "network",
        "network",
    ),
    DemoItem(
        "internet-access",
        "外网访问开通",
        "network",
        REQUEST,
        "Promotion",
        "内网电脑访问指定的互联网网址（如学术网站、上级平台）。",
        "外网 互联网 网址 访问",
        "internet-access",
        3,
        3,
        "security",
        "security",
        approval=True,
    ),
    # 电话与通讯
    DemoItem(
        "phone-fault",
        "内线电话故障",
        "comm",
        INCIDENT,
        "PhoneFilled",
        "内线电话无拨号音、打不出、打不进、有杂音。",
        "电话 内线 座机 拨号音",
        "phone-fault",
        3,
        2,
        "comm",
        "network",
    ),
    DemoItem(
        "new-phone",
        "新电话开通/移机",
        "comm",
        REQUEST,
        "Phone",
        "新装内线、移机、开通外线或长途。",
        "电话 新装 移机 外线 长途",
        "new-phone",
        3,
        3,
        "comm",
        "network",
    ),
    DemoItem(
        "meeting-support",
        "会议保障",
        "comm",
        REQUEST,
        "Microphone",
        "会场投影、话筒扩音、视频会议与直播保障，请至少提前 1 个工作日申请。",
        "会议 投影 话筒 视频会议 直播",
        "meeting-support",
        3,
        3,
        "comm",
        "desktop",
        cis=("OA", "BA-XZSP"),
    ),
    DemoItem(
        "remote-consult",
        "远程会诊设备保障",
        "comm",
        REQUEST,
        "VideoCamera",
        "远程会诊室设备调试与现场保障。",
        "远程会诊 视频 摄像头 会诊",
        "remote-consult",
        2,
        2,
        "comm",
        "desktop",
        cis=("PACS", "EMR", "BA-YXJC"),
    ),
    # 硬件报修
    DemoItem(
        "pc-bluescreen",
        "电脑蓝屏/开不了机",
        "hardware",
        INCIDENT,
        "Monitor",
        "电脑蓝屏、反复重启、开不了机、死机。",
        "蓝屏 开不了机 死机 重启 电脑",
        "pc-fault",
        3,
        1,
        "pc",
        "desktop",
    ),
    DemoItem(
        "monitor-fault",
        "显示器故障",
        "hardware",
        INCIDENT,
        "FullScreen",
        "显示器黑屏、花屏、闪烁。",
        "显示器 黑屏 花屏 闪烁",
        "pc-fault",
        3,
        2,
        "pc",
        "desktop",
    ),
    DemoItem(
        "peripheral",
        "键盘鼠标/外设更换",
        "hardware",
        REQUEST,
        "Mouse",
        "键盘、鼠标、扫码枪、耳麦损坏更换。",
        "键盘 鼠标 扫码枪 耳麦 更换",
        "",
        3,
        3,
        "pc",
        "desktop",
    ),
    DemoItem(
        "pc-request",
        "电脑新增/更换申请",
        "hardware",
        REQUEST,
        "Box",
        "新增或更换办公电脑、医生工作站、影像诊断工作站，科主任审批。",
        "电脑 新增 更换 工作站",
        "pc-request",
        3,
        3,
        "pc",
        "desktop",
        approval=True,
    ),
    # 软件安装与终端安全
    DemoItem(
        "software-install",
        "软件安装申请",
        "software",
        REQUEST,
        "Download",
        "在院内电脑安装软件。须为正版或免费软件，安全组审核。",
        "软件 安装 正版 下载",
        "software-install",
        3,
        3,
        "software",
        "desktop",
    ),
    DemoItem(
        "usb-request",
        "U 盘/USB 使用申请",
        "software",
        REQUEST,
        "Files",
        "临时开通 USB 存储权限，须承诺不拷贝患者隐私数据。",
        "U盘 USB 移动硬盘 拷贝",
        "usb-request",
        3,
        3,
        "security",
        "security",
        approval=True,
    ),
    DemoItem(
        "antivirus-alert",
        "杀毒软件告警",
        "software",
        INCIDENT,
        "Warning",
        "电脑提示发现病毒、木马、勒索软件。疑似勒索请立即拔网线，不要关机。",
        "病毒 木马 勒索 杀毒 告警",
        "antivirus",
        2,
        1,
        "security",
        "security",
    ),
    DemoItem(
        "office-software",
        "办公软件问题",
        "software",
        INCIDENT,
        "Document",
        "WPS、Office、PDF 阅读器、输入法的使用问题。",
        "WPS Office PDF 输入法",
        "",
        3,
        3,
        "software",
        "desktop",
    ),
    # VPN 与远程访问
    DemoItem(
        "vpn-account",
        "VPN 账号申请",
        "remote",
        REQUEST,
        "Lock",
        "院外访问院内系统（居家办公、远程会诊、科研），信息管理处审批。",
        "VPN 院外 远程 居家",
        "vpn-request",
        3,
        3,
        "remote-access",
        "security",
        cis=("HIS", "EMR", "PACS", "OA"),
        approval=True,
    ),
    DemoItem(
        "vpn-fault",
        "VPN 无法连接",
        "remote",
        INCIDENT,
        "Link",
        "VPN 客户端连不上、验证码收不到。",
        "VPN 连不上 验证码",
        "",
        3,
        2,
        "remote-access",
        "security",
    ),
    DemoItem(
        "vendor-remote",
        "厂商远程运维接入",
        "remote",
        REQUEST,
        "Service",
        "厂商工程师远程接入院内系统，须登记并由信息科人员全程陪同。",
        "厂商 远程 运维 堡垒机",
        "vendor-remote",
        3,
        2,
        "remote-access",
        "security",
        roles=IT_ROLES,
        cis=("HIS", "EMR", "PACS", "LIS"),
    ),
    # 数据与新系统需求
    DemoItem(
        "data-extract",
        "数据提取申请",
        "demand",
        REQUEST,
        "DataAnalysis",
        "科研、质控、管理用数据提取。涉及患者隐私须脱敏并经医务处审核，3 个工作日内交付。",
        "数据 提取 科研 统计 导出",
        "data-extract",
        3,
        3,
        "data-request",
        "system",
        cis=("HIS", "EMR", "LIS", "DATA-JYJG", "DATA-CF"),
        approval=True,
    ),
    DemoItem(
        "report-request",
        "报表需求",
        "demand",
        REQUEST,
        "Histogram",
        "新增或修改统计报表。",
        "报表 统计 月报 字段",
        "report-request",
        3,
        3,
        "data-request",
        "apps-his",
        cis=("HIS", "BA-SFJS"),
    ),
    DemoItem(
        "new-system",
        "新系统需求申请",
        "demand",
        REQUEST,
        "Opportunity",
        "科室新的信息系统建设需求，含非功能性需求（账号、并发、存储、带宽）。",
        "新系统 立项 建设 需求",
        "new-system",
        3,
        3,
        "data-request",
        "apps-his",
        approval=True,
    ),
    DemoItem(
        "interface-request",
        "接口对接申请",
        "demand",
        REQUEST,
        "Switch",
        "系统之间新增或调整数据接口，经集成平台对接。",
        "接口 对接 集成平台 HL7",
        "interface-request",
        3,
        3,
        "data-request",
        "apps-his",
        cis=("ESB", "HIS", "LIS", "PACS"),
        approval=True,
    ),
    DemoItem(
        "system-change",
        "系统变更需求",
        "demand",
        REQUEST,
        "EditPen",
        "已上线系统的功能新增、修改、参数配置与流程调整。",
        "变更 修改 功能 优化",
        "system-change",
        3,
        3,
        "data-request",
        "apps-his",
        cis=("HIS", "EMR"),
    ),
    # 信息科内部
    DemoItem(
        "server-resource",
        "服务器/虚拟机资源申请",
        "it-internal",
        REQUEST,
        "Cpu",
        "为业务系统分配虚拟机、存储资源。",
        "服务器 虚拟机 资源 存储",
        "server-resource",
        3,
        3,
        "it-ops",
        "system",
        roles=IT_ROLES,
    ),
    DemoItem(
        "db-access",
        "数据库访问权限申请",
        "it-internal",
        REQUEST,
        "Coin",
        "应用工程师临时查询生产数据库，须说明用途与时限。",
        "数据库 权限 查询 只读",
        "",
        3,
        3,
        "it-ops",
        "system",
        roles=IT_ROLES,
        cis=("HIS", "EMR", "LIS"),
    ),
    DemoItem(
        "dc-access",
        "机房出入登记",
        "it-internal",
        REQUEST,
        "OfficeBuilding",
        "外来人员进入数据机房须登记并由信息科人员陪同。",
        "机房 出入 登记 陪同",
        "dc-access",
        3,
        3,
        "it-ops",
        "system",
        roles=IT_ROLES,
    ),
]

# --- NFR per application CI ----------------------------------------------------------------

NFR = {  # code: accounts, concurrent, yearly GB, daily MB, Mbps, notes
    "HIS": (4200, 1200, "1500", "4200", "500", "含门诊、住院、收费、药房全部站点"),
    "EMR": (3800, 900, "2000", "5600", "300", "含病历文书与结构化数据"),
    "PACS": (650, 260, "180000", "505000", "10000", "在线 3 年，近线归档到对象存储"),
    "RIS": (420, 150, "200", "560", "100", ""),
    "LIS": (520, 200, "800", "2240", "200", "含 120 台检验仪器接口"),
    "AIMS": (320, 80, "300", "840", "100", "42 间手术室监护数据采集"),
    "PASS": (3500, 1000, "100", "280", "50", "嵌入医生站，按医生账号计"),
    "ESB": (60, 240, "3000", "8400", "1000", "接口账号；消息日志保留 1 年"),
    "NIS": (2300, 800, "600", "1680", "300", "含 600 台移动护理 PDA"),
    "PIS": (130, 50, "20000", "56000", "1000", "数字切片扫描"),
    "YBJK": (300, 150, "200", "560", "100", "医保专线"),
    "TJXT": (220, 80, "300", "840", "100", "日均体检 800 人"),
    "ICUS": (260, 80, "1000", "2800", "100", "床旁监护高频数据"),
    "IH": (850, 3000, "500", "1400", "500", "并发含患者端；互联网出口"),
    "OA": (4600, 600, "400", "1120", "200", "全院职工"),
}

# --- patterns of business activity -----------------------------------------------------------

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
WEEKDAYS = DAYS[:5]
ALL_DAY = {day: ["00:00-24:00"] for day in DAYS}


@dataclass(frozen=True)
class DemoPattern:
    code: str
    name: str
    description: str
    schedule: dict[str, list[str]]
    peaks: list[dict[str, Any]]
    activities: tuple[str, ...]
    applications: tuple[str, ...]
    # (role, department code, username, name, phone)
    stakeholders: tuple[tuple[str, str, str, str, str], ...]
    holidays_closed: bool = False
    peak_users: int | None = None
    daily: int | None = None


def _peak(days: Sequence[str], start: str, end: str, note: str) -> dict[str, Any]:
    return {"days": list(days), "start": start, "end": end, "note": note}


S = StakeholderRole
PATTERNS = [
    DemoPattern(
        "pba-outpatient",
        "门诊业务",
        "总院与东院门诊：周一至周六全天、周日上午开诊；周一上午为一周高峰。",
        {**{day: ["07:30-12:00", "13:30-17:30"] for day in DAYS[:6]}, "sun": ["07:30-12:00"]},
        [
            _peak(DAYS[:6], "08:00", "10:00", "挂号高峰"),
            _peak(("mon",), "10:00", "11:30", "周一就诊高峰"),
            _peak(WEEKDAYS, "14:00", "15:30", "下午就诊与缴费高峰"),
        ],
        ("BA-MZGH", "BA-MZKF", "BA-SFJS", "BA-YBJS", "BA-HLWZ"),
        ("HIS", "EMR", "PASS", "YBJK", "IH"),
        (
            (S.OWNER, "MZ", "", "门诊部主任", "8001"),
            (S.KEY_USER, "MZ-3F", "nurse_li", "", ""),
            (S.USER, "E-MZ", "", "", "9001"),
            (S.USER, "CWC", "", "门诊收费处", "8013"),
            (S.IT_OWNER, "XXC", "engineer_zhang", "", ""),
            (S.VENDOR, "", "", "东华 HIS 驻场工程师", "13800138001"),
        ),
        holidays_closed=True,
        peak_users=1500,
        daily=12000,
    ),
    DemoPattern(
        "pba-emergency",
        "急诊业务",
        "总院与东院急诊 7×24 小时，夜间与节假日为高峰。",
        ALL_DAY,
        [
            _peak(DAYS, "19:00", "23:00", "夜间急诊高峰"),
            _peak(("sat", "sun"), "09:00", "12:00", "周末白天高峰"),
        ],
        ("BA-JZFZ", "BA-MZKF", "BA-SFJS"),
        ("HIS", "EMR", "LIS", "PACS"),
        (
            (S.OWNER, "JZ", "", "急诊科主任", "8120"),
            (S.USER, "E-JZ", "", "", "9120"),
            (S.KEY_USER, "JZ", "staff002", "", ""),
            (S.IT_OWNER, "XXC", "agent_luo", "", ""),
        ),
        peak_users=200,
        daily=1100,
    ),
    DemoPattern(
        "pba-inpatient",
        "住院业务",
        "3,000 张床位 7×24 小时；早查房开医嘱与午后出入院为高峰。",
        ALL_DAY,
        [
            _peak(DAYS, "08:00", "10:30", "查房与医嘱高峰"),
            _peak(WEEKDAYS, "14:00", "16:00", "出入院办理高峰"),
            _peak(DAYS, "07:30", "08:30", "护理交接班"),
        ],
        ("BA-RYDJ", "BA-ZYYZ", "BA-BLSX", "BA-HLJL", "BA-CPHD"),
        ("HIS", "EMR", "NIS", "PASS"),
        (
            (S.OWNER, "YWC", "", "医务处处长", "8012"),
            (S.OWNER, "HLB", "", "护理部主任", "8011"),
            (S.KEY_USER, "XNK", "doctor_wang", "", ""),
            (S.IT_OWNER, "XXC", "engineer_zhang", "", ""),
            (S.VENDOR, "", "", "嘉和美康 EMR 服务热线", "4008101234"),
        ),
        peak_users=2200,
        daily=45000,
    ),
    DemoPattern(
        "pba-lab",
        "检验业务",
        "检验科 7×24 小时；清晨住院抽血后标本集中送检，上午门诊采血。",
        ALL_DAY,
        [
            _peak(DAYS, "06:00", "09:00", "住院抽血、标本集中送检"),
            _peak(DAYS[:6], "08:00", "11:00", "门诊采血高峰"),
        ],
        ("BA-JYSQ", "BA-JKTJ"),
        ("LIS", "HIS", "TJXT"),
        (
            (S.OWNER, "JYK", "head_sun", "", ""),
            (S.USER, "TJZX", "", "体检中心", "9401"),
            (S.IT_OWNER, "XXC", "eng_app_song", "", ""),
            (S.VENDOR, "", "", "杏和 LIS 工程师", "13900139002"),
        ),
        peak_users=180,
        daily=26000,
    ),
    DemoPattern(
        "pba-imaging",
        "影像检查",
        "CT、MR、DR 与超声；急诊 CT 7×24 小时，工作日上午预约检查集中。",
        ALL_DAY,
        [
            _peak(WEEKDAYS, "08:30", "11:30", "预约检查高峰"),
            _peak(WEEKDAYS, "14:00", "16:30", "下午检查与报告高峰"),
        ],
        ("BA-YXJC", "BA-CSJC"),
        ("PACS", "RIS"),
        (
            (S.OWNER, "FSK", "", "放射科主任", "8802"),
            (S.USER, "CSK", "", "超声科", "8803"),
            (S.IT_OWNER, "XXC", "eng_app_song", "", ""),
            (S.VENDOR, "", "", "联影 PACS 工程师", "13700137003"),
        ),
        peak_users=260,
        daily=5200,
    ),
    DemoPattern(
        "pba-pharmacy",
        "药房发药",
        "门诊药房随门诊开放，急诊与住院药房 7×24 小时；上午取药与住院摆药为高峰。",
        ALL_DAY,
        [
            _peak(DAYS[:6], "09:00", "11:30", "门诊取药高峰"),
            _peak(DAYS, "10:00", "12:00", "住院摆药"),
        ],
        ("BA-YFFY",),
        ("HIS", "PASS"),
        (
            (S.OWNER, "YJK", "", "药剂科主任", "8901"),
            (S.KEY_USER, "YJK", "staff022", "", ""),
            (S.IT_OWNER, "XXC", "eng_app_tang", "", ""),
            (S.VENDOR, "", "", "美康合理用药工程师", "13600136004"),
        ),
        peak_users=120,
        daily=15000,
    ),
    DemoPattern(
        "pba-surgery",
        "手术麻醉",
        "42 间手术室：择期手术工作日 07:30–21:00，急诊手术随时开台。",
        {
            **{day: ["07:30-21:00"] for day in WEEKDAYS},
            "sat": ["08:00-18:00"],
            "sun": ["08:00-18:00"],
        },
        [_peak(WEEKDAYS, "07:30", "09:00", "首台手术入室与麻醉诱导")],
        ("BA-SSMZ", "BA-ZZJH"),
        ("AIMS", "ICUS", "HIS", "EMR"),
        (
            (S.OWNER, "MZK", "", "麻醉科主任", "8701"),
            (S.USER, "ICU", "", "重症医学科", "8702"),
            (S.IT_OWNER, "XXC", "eng_app_tang", "", ""),
            (S.VENDOR, "", "", "麦迪斯顿工程师", "13500135005"),
        ),
        peak_users=90,
        daily=160,
    ),
    DemoPattern(
        "pba-checkup",
        "健康体检",
        "东院体检中心：周一至周六上午，空腹抽血集中在开门后两小时。",
        {day: ["07:00-11:30"] for day in DAYS[:6]},
        [_peak(DAYS[:6], "07:30", "09:30", "空腹抽血高峰")],
        ("BA-JKTJ",),
        ("TJXT", "LIS", "PACS"),
        (
            (S.OWNER, "TJZX", "", "体检中心主任", "9401"),
            (S.IT_OWNER, "XXC", "eng_app_song", "", ""),
        ),
        holidays_closed=True,
        peak_users=60,
        daily=800,
    ),
]

# --- the service desk demo's tickets that come from the catalog --------------------------------


@dataclass(frozen=True)
class _Ref:
    """A row named by code, made an id when the ticket is submitted."""

    kind: str  # user | department | ci
    code: str


@dataclass(frozen=True)
class _At:
    """A date or time relative to the ticket's creation, in hospital local time."""

    kind: str  # date | time | datetime
    minutes: int = 0


def _user(code: str) -> _Ref:
    return _Ref("user", code)


def _dept(code: str) -> _Ref:
    return _Ref("department", code)


def _ci(code: str) -> _Ref:
    return _Ref("ci", code)


DEMO_SUBMISSIONS: dict[str, tuple[str, dict[str, Any]]] = {
    # ticket title (hitsm/servicedesk/demo.py) → (catalog item, form answers)
    "医生站开医嘱很慢": (
        "his-slow",
        {
            "system": _ci("HIS"),
            "scope": "department",
            "affected_terminals": 6,
            "terminal": "10.30.9.23",
            "occurred_at": _At("datetime", -20),
            "error_message": "保存医嘱时转圈十几秒，偶尔提示“数据库连接超时”。",
            "contact": "8301",
        },
    ),
    "检验科新增一台条码打印机": (
        "new-device",
        {
            "device_type": "barcode",
            "quantity": 1,
            "department": _dept("JYK"),
            "location": "医技楼 2 层采血窗口 3 号",
            "reason": "新来的检验师需要一台条码打印机。",
            "budget": "it",
        },
    ),
    "急诊分诊台腕带打印机打不出来": (
        "wristband-printer",
        {
            "printer_type": "wristband",
            "wristband_spec": "adult",
            "location": "急诊楼 1 层分诊台",
            "asset_no": "PRN-JZ-01",
            "symptoms": ["no_paper_error"],
            "has_backup": "no",
        },
    ),
    "收费处排队叫号屏不显示": ("queue-screen", {}),
    "病房 Wi-Fi 信号很差": (
        "wifi",
        {
            "ssid": "pda",
            "symptom": "dropping",
            "location": "住院楼 A 座 7 层走廊尽头",
            "device_kind": "pda",
            "usually_at": "08:00",
        },
    ),
    "HIS 账号开通：新入职医生": (
        "his-account-open",
        {
            "department": _dept("XNK"),
            "open_mode": "single",
            "staff_name": "周文博",
            "employee_no": "202611",
            "role": "doctor",
            "prescription": "yes",
            "systems": ["his", "emr", "lis", "pacs"],
            "need_vpn": "no",
            "start_date": _At("date", 1440),
        },
    ),
    "PACS 调阅影像很慢": (
        "pacs-slow",
        {
            "modality": "ct",
            "symptom": "slow",
            "wait_seconds": 60,
            "location": "放射科阅片室",
            "occurred_at": _At("datetime", -30),
        },
    ),
    "电脑蓝屏重启": (
        "pc-bluescreen",
        {
            "location": "超声科 2 号诊室",
            "symptoms": ["bluescreen"],
            "affects_care": "yes",
        },
    ),
    "医保卡读卡器驱动安装": (
        "software-install",
        {
            "software_name": "医保读卡器驱动",
            "version": "3.2",
            "license": "free",
            "purpose": "收费 5 号窗口换了新电脑，需要装医保卡读卡器驱动。",
        },
    ),
    # the service desk's history (resolved and closed in the past weeks)
    "生化仪结果不回传 LIS": (
        "lis-instrument",
        {
            "instrument": "chemistry",
            "direction": "result",
            "backlog": 36,
            "since": _At("time", -25),
            "manual_entry": "no",
        },
    ),
    "血球仪联机中断": (
        "lis-instrument",
        {
            "instrument": "hematology",
            "direction": "both",
            "backlog": 80,
            "since": _At("time", -15),
            "manual_entry": "yes",
        },
    ),
    "急诊抢救室腕带打印空白": (
        "wristband-printer",
        {
            "printer_type": "wristband",
            "wristband_spec": "adult",
            "location": "急诊楼 1 层抢救室",
            "symptoms": ["blank"],
            "has_backup": "yes",
        },
    ),
    "儿科入院处新生儿腕带打印偏移": (
        "wristband-printer",
        {
            "printer_type": "wristband",
            "wristband_spec": "newborn",
            "location": "妇儿楼 1 层入院处",
            "symptoms": ["offset"],
            "has_backup": "no",
        },
    ),
    "门诊三楼护士站处方打印机脱机": (
        "prescription-printer",
        {
            "printer_type": "prescription",
            "location": "门诊楼 3 层护士站",
            "asset_no": "PRN-MZ3-01",
            "symptoms": ["offline"],
            "has_backup": "yes",
        },
    ),
    "HIS 密码忘记": (
        "password-reset",
        {
            "system": "his",
            "action": "reset",
            "employee_no": "200318",
            "mobile": "13912345678",
        },
    ),
    "EMR 账号被锁定": (
        "password-reset",
        {
            "system": "emr",
            "action": "unlock",
            "employee_no": "201507",
            "mobile": "13698765432",
        },
    ),
    "CT2 影像上传 PACS 失败": (
        "pacs-device",
        {
            "device": "ct2",
            "pending_studies": 12,
            "can_print_film": "yes",
            "since": _At("time", -40),
        },
    ),
    "科研数据提取：心衰患者再入院": (
        "data-extract",
        {
            "purpose": "research",
            "systems": [_ci("HIS"), _ci("EMR"), _ci("LIS")],
            "from_date": "2019-01-01",
            "to_date": "2024-12-31",
            "fields": "性别、年龄、主诊断、入出院日期、30 天内再入院、LVEF、NT-proBNP",
            "privacy": "yes",
            "desensitize": "deidentify",
            "volume": 1.5,
            "format": "csv",
            "needed_by": _At("date", 5 * 1440),
        },
    ),
    "门诊收费月报增加医保统筹列": (
        "report-request",
        {
            "report_name": "门诊收费月报",
            "system": _ci("HIS"),
            "frequency": "monthly",
            "report_fields": [
                {"name": "医保统筹支付", "definition": "按结算日期汇总", "source": "医保结算表"},
                {"name": "个人账户支付", "definition": "按结算日期汇总", "source": "医保结算表"},
            ],
            "delivery": ["query", "excel"],
            "users": [_user("staff025")],
        },
    ),
    "神经外科医生站打不开": (
        "doctor-station-down",
        {
            "system": _ci("HIS"),
            "scope": "single",
            "terminal": "10.30.7.45",
            "occurred_at": _At("datetime", -10),
            "error_message": "启动时提示“版本不一致，请升级”。",
            "contact": "8403",
        },
    ),
    "医嘱提交提示合理用药接口超时": (
        "order-submit-failed",
        {
            "order_type": "long",
            "patient_no": "ZY20260412",
            "pass_alert": "yes",
            "error_message": "提交时弹出“合理用药服务调用超时”，医嘱保存不了。",
            "occurred_at": _At("datetime", -5),
        },
    ),
    "门诊一楼自助机不出凭条": (
        "kiosk-fault",
        {
            "kiosk_type": "register_pay",
            "kiosk_no": "ZZJ-MZ1-03",
            "location": "门诊楼 1 层大厅",
            "symptoms": ["no_print"],
            "patient_charged": "yes",
            "refund_amount": 25.5,
            "patient_mobile": "13812341234",
        },
    ),
    "合理用药规则：新增头孢类皮试提醒": (
        "pass-rule",
        {
            "rule_type": "skin_test",
            "drug_name": "头孢曲松钠",
            "rule_content": "开具头孢曲松钠注射剂时，如无 24 小时内皮试结果，提示“请先皮试”。",
            "effective_date": _At("date", 7 * 1440),
        },
    ),
    "儿科 Wi-Fi 频繁断线": (
        "wifi",
        {
            "ssid": "staff",
            "symptom": "dropping",
            "location": "妇儿楼 2 层儿科病区",
            "device_kind": "cart",
        },
    ),
    "申请使用 U 盘拷贝教学课件": (
        "usb-request",
        {
            "user": _user("staff015"),
            "device": "udisk",
            "start_date": _At("date", 0),
            "end_date": _At("date", 7 * 1440),
            "purpose": "拷贝规培教学课件到示教室电脑。",
            "patient_data": "no",
            "commitments": ["no_privacy", "scan"],
        },
    ),
    "护理部会议视频保障": (
        "meeting-support",
        {
            "meeting_name": "全院护士长例会",
            "meeting_date": _At("date", 2 * 1440),
            "start_time": "14:00",
            "end_time": "16:00",
            "venue": "hq_hall",
            "attendees": 120,
            "needs": ["projector", "mic", "video"],
            "contact": _user("staff023"),
        },
    ),
    "VPN 账号申请：居家办公": (
        "vpn-account",
        {
            "user": _user("staff009"),
            "department": _dept("GK"),
            "mobile": "13711112222",
            "systems": [_ci("PACS"), _ci("EMR")],
            "purpose": "home",
            "valid_until": _At("date", 180 * 1440),
        },
    ),
    "超声科电脑开不了机": (
        "pc-bluescreen",
        {
            "asset_no": "PC-CS-0207",
            "location": "医技楼 3 层超声 5 诊室",
            "symptoms": ["no_boot"],
            "affects_care": "yes",
        },
    ),
    "东华工程师远程升级 HIS 补丁": (
        "vendor-remote",
        {
            "system": _ci("HIS"),
            "vendor": "东华",
            "engineer": "刘工程师",
            "mobile": "13800138001",
            "start_at": _At("datetime", 60),
            "end_at": _At("datetime", 180),
            "operations": "升级门诊收费模块补丁 5.8.3，升级前备份。",
            "change_involved": "yes",
            "change_no": "CHG-2026-0042",
        },
    ),
}


def _resolve(value: Any, created: dt.datetime) -> Any:
    if isinstance(value, _At):
        moment = timezone.localtime(created) + dt.timedelta(minutes=value.minutes)
        return {
            "date": moment.strftime("%Y-%m-%d"),
            "time": moment.strftime("%H:%M"),
            "datetime": moment.strftime("%Y-%m-%dT%H:%M"),
        }[value.kind]
    if isinstance(value, _Ref):
        if value.kind == "user":
            return User.objects.get(username=value.code).pk
        if value.kind == "department":
            return Department.objects.get(code=value.code).pk
        return ConfigurationItem.objects.get(code=value.code).pk
    if isinstance(value, Mapping):
        return {key: _resolve(inner, created) for key, inner in value.items()}
    if isinstance(value, list):
        return [_resolve(inner, created) for inner in value]
    return value


def demo_submission(
    title: str, *, created: dt.datetime | None = None
) -> tuple[CatalogItem, dict[str, Any]] | None:
    """The catalog item and form answers of the service desk's demo ticket with this title
    (``created``: when the ticket is said to have been submitted), or None for a free-text one."""
    entry = DEMO_SUBMISSIONS.get(title)
    if entry is None:
        return None
    code, answers = entry
    item = CatalogItem.objects.get(code=code)
    return item, _resolve(answers, created or timezone.now())


# --- loading -------------------------------------------------------------------------------


def _groups() -> dict[str, AssignmentGroup]:
    groups = {}
    for code, name in GROUPS.items():
        group = AssignmentGroup.objects.filter(code=code).first()
        groups[code] = group or AssignmentGroup.objects.create(code=code, name=name)
    return groups


def _ticket_categories(groups: Mapping[str, AssignmentGroup]) -> dict[str, Category]:
    categories: dict[str, Category] = {}
    for code, name, parent, kind, group, order in TICKET_CATEGORIES:
        categories[code], _ = Category.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "parent": categories.get(parent),
                "kind": kind,
                "default_group": groups[group],
                "sort_order": order,
            },
        )
    return categories


def _menu() -> dict[str, CatalogCategory]:
    menu = {}
    for order, (code, name, icon, description) in enumerate(MENU, start=1):
        heading = CatalogCategory.objects.filter(code=code).first() or CatalogCategory(code=code)
        fields = {"name": name, "icon": icon, "description": description, "sort_order": order * 10}
        if heading.pk is None or any(getattr(heading, k) != v for k, v in fields.items()):
            for key, value in fields.items():
                setattr(heading, key, value)
            heading.full_clean()
            heading.save()
        menu[code] = heading
    return menu


def _forms(actor: User | None) -> tuple[dict[str, Form], int]:
    forms: dict[str, Form] = {}
    published = 0
    for code, (name, description, versions) in FORMS.items():
        form = Form.objects.filter(code=code).select_related("published").first()
        final = formschema.schema_check({"fields": versions[-1]})
        if form is not None and form.published is not None and form.published.schema == final:
            forms[code] = form
            continue
        # a new form publishes every version in turn; a changed one publishes its last
        pending = versions if form is None or form.published is None else versions[-1:]
        form = form or Form(code=code)
        form.name, form.description = name, description
        for number, fields in enumerate(pending, start=len(versions) - len(pending) + 1):
            form.draft_schema = {"fields": fields}
            form_save(form=form)
            note = FORM_NOTES.get(number, {}).get(code, "演示数据：初始版本" if number == 1 else "")
            form_publish(form=form, actor=actor, note=note)
            published += 1
        forms[code] = form
    return forms, published


def _items(
    menu: Mapping[str, CatalogCategory],
    forms: Mapping[str, Form],
    categories: Mapping[str, Category],
    groups: Mapping[str, AssignmentGroup],
) -> dict[str, CatalogItem]:
    departments = {d.code: d for d in Department.objects.all()}
    cis = {c.code: c for c in ConfigurationItem.objects.select_related("ci_class")}
    items = {}
    for order, spec in enumerate(ITEMS, start=1):
        item = CatalogItem.objects.filter(code=spec.code).first() or CatalogItem(code=spec.code)
        item.name = spec.name
        item.description = spec.description
        item.keywords = spec.keywords
        item.kind = spec.kind
        item.icon = spec.icon
        item.category = menu[spec.menu]
        item.sort_order = order * 10
        item.form = forms[spec.form] if spec.form else None
        item.ticket_category = categories[spec.category] if spec.category else None
        item.default_impact = spec.impact
        item.default_urgency = spec.urgency
        item.assignment_group = groups[spec.group] if spec.group else None
        item.approval_required = spec.approval
        item.roles = list(spec.roles)
        item.is_active = True
        items[spec.code] = item_save(
            item=item,
            departments=[departments[code] for code in spec.departments if code in departments],
            configuration_items=[cis[code] for code in spec.cis if code in cis],
        )
    return items


def _nfr() -> int:
    applications = {
        c.code: c for c in ConfigurationItem.objects.filter(ci_class__code="application")
    }
    count = 0
    for code, (accounts, concurrent, yearly, daily, bandwidth, notes) in NFR.items():
        application = applications.get(code)
        if application is None:
            continue
        values = {
            "system_accounts": accounts,
            "concurrent_accounts": concurrent,
            "yearly_storage_gb": Decimal(yearly).quantize(Decimal("0.01")),
            "daily_growth_mb": Decimal(daily).quantize(Decimal("0.01")),
            "bandwidth_mbps": Decimal(bandwidth).quantize(Decimal("0.01")),
            "notes": notes,
        }
        record = NfrRecord.objects.filter(application=application).first()
        if record is None or any(getattr(record, k) != v for k, v in values.items()):
            nfr_save(application=application, values=values)
        count += 1
    return count


def _patterns() -> int:
    cis = {c.code: c for c in ConfigurationItem.objects.select_related("ci_class")}
    departments = {d.code: d for d in Department.objects.all()}
    users = {u.username: u for u in User.objects.all()}
    for spec in PATTERNS:
        pattern = ActivityPattern.objects.filter(code=spec.code).first() or ActivityPattern(
            code=spec.code
        )
        pattern.name = spec.name
        pattern.description = spec.description
        pattern.schedule = {day: spec.schedule.get(day, []) for day in DAYS}
        pattern.peaks = spec.peaks
        pattern.holidays_closed = spec.holidays_closed
        pattern.peak_concurrent_users = spec.peak_users
        pattern.daily_transactions = spec.daily
        rows: list[dict[str, Any]] = []
        for role, department_code, username, name, phone in spec.stakeholders:
            department = departments.get(department_code) if department_code else None
            user = users.get(username) if username else None
            rows.append(
                {
                    "role": str(role),
                    "department": department,
                    "user": user,
                    "name": name,
                    "phone": phone,
                }
            )
        wanted = [
            (
                r["role"],
                r["department"].pk if r["department"] else None,
                r["user"].pk if r["user"] else None,
                r["name"],
                r["phone"],
            )
            for r in rows
        ]
        current = (
            [
                (s.role, s.department_id, s.user_id, s.name, s.phone)
                for s in pattern.stakeholders.order_by("sort_order", "id")
            ]
            if pattern.pk
            else None
        )
        pattern_save(
            pattern=pattern,
            activities=[cis[c] for c in spec.activities if c in cis],
            applications=[cis[c] for c in spec.applications if c in cis],
            stakeholders=None if current == wanted else rows,
        )
    return len(PATTERNS)


@transaction.atomic
def load_demo() -> dict[str, int]:
    """Create or refresh the demo catalog. Safe to run again: nothing is duplicated."""
    with acting_as(label="command:seed_demo"):
        actor = User.objects.filter(username="admin").first()
        groups = _groups()
        categories = _ticket_categories(groups)
        menu = _menu()
        forms, published = _forms(actor)
        items = _items(menu, forms, categories, groups)
        nfr = _nfr()
        patterns = _patterns()
    return {
        "menu": len(menu),
        "items": len(items),
        "forms": len(forms),
        "versions_published": published,
        "nfr": nfr,
        "patterns": patterns,
    }
