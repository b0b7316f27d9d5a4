"""Reference data: the hospital's CI classes with their attributes, and the relation types.

Loaded by a data migration (so every installation has them) and by tests; it only creates what
is missing, so administrators' edits survive. The functions take the model classes so that the
migration can pass its historical models.
"""

from typing import Any

CLASSES = [
    # code, name, OBASHI layer, Element Plus icon
    ("owner", "所有者（科室/人员）", "ownership", "OfficeBuilding"),
    ("business_activity", "业务活动", "business", "Operation"),
    ("business_data", "业务数据", "data", "Document"),
    ("application", "应用系统", "application", "Monitor"),
    ("database", "数据库", "system", "Coin"),
    ("middleware", "中间件", "system", "Connection"),
    ("virtual_machine", "虚拟机", "system", "Cpu"),
    ("physical_server", "物理服务器", "hardware", "Box"),
    ("storage", "存储设备", "hardware", "Files"),
    ("terminal", "PC/终端", "hardware", "Monitor"),
    ("printer", "打印机", "hardware", "Printer"),
    ("network_device", "网络设备", "infrastructure", "Share"),
    ("security_device", "安全设备", "infrastructure", "Lock"),
    ("datacenter_room", "数据中心机房", "infrastructure", "House"),
    ("rack", "机柜", "infrastructure", "Grid"),
    ("power", "电源/UPS", "infrastructure", "Lightning"),
]

DB_ENGINES = ["Oracle", "SQL Server", "MySQL", "PostgreSQL", "达梦", "人大金仓", "Cache"]
ATTRIBUTES: dict[str, list[tuple[str, str, str, bool, bool, list[str], str, str]]] = {
    # class code: [(code, name, type, required, unique, choices, pattern, help text)]
    "owner": [("contact", "联系人", "text", False, False, [], "", "")],
    "business_activity": [
        ("service_hours", "服务时段", "choice", False, False, ["7×24", "门诊时段", "5×8"], "", ""),
    ],
    "business_data": [
        (
            "sensitivity",
            "敏感级别",
            "choice",
            False,
            False,
            ["公开", "内部", "敏感", "患者隐私"],
            "",
            "",
        ),
    ],
    "application": [
        ("vendor", "厂商", "text", False, False, [], "", ""),
        ("version", "版本", "text", False, False, [], "", ""),
        ("url", "访问地址", "url", False, False, [], "", ""),
        (
            "mlps_level",
            "等保级别",
            "choice",
            False,
            False,
            ["一级", "二级", "三级", "四级"],
            "",
            "网络安全等级保护定级",
        ),
    ],
    "database": [
        ("engine", "数据库类型", "choice", True, False, DB_ENGINES, "", ""),
        ("version", "版本", "text", False, False, [], "", ""),
        ("ip_address", "IP 地址", "ip_address", False, False, [], "", ""),
        ("port", "端口", "integer", False, False, [], "", ""),
    ],
    "middleware": [
        ("product", "产品", "text", False, False, [], "", "如 WebLogic、Tomcat、Nginx"),
        ("port", "端口", "integer", False, False, [], "", ""),
    ],
    "virtual_machine": [
        ("ip_address", "IP 地址", "ip_address", True, True, [], "", ""),
        ("os", "操作系统", "text", False, False, [], "", ""),
        ("vcpu", "vCPU", "integer", False, False, [], "", ""),
        ("memory_gb", "内存(GB)", "integer", False, False, [], "", ""),
    ],
    "physical_server": [
        ("serial_no", "序列号", "text", True, True, [], "", ""),
        ("vendor", "厂商", "text", False, False, [], "", ""),
        ("model", "型号", "text", False, False, [], "", ""),
        ("ip_address", "管理 IP", "ip_address", False, True, [], "", ""),
        ("warranty_until", "维保到期", "date", False, False, [], "", ""),
    ],
    "storage": [
        ("serial_no", "序列号", "text", False, True, [], "", ""),
        ("capacity_tb", "容量(TB)", "decimal", False, False, [], "", ""),
    ],
    "terminal": [
        ("ip_address", "IP 地址", "ip_address", False, False, [], "", ""),
        (
            "mac_address",
            "MAC 地址",
            "text",
            False,
            True,
            [],
            r"^([0-9A-Fa-f]{2}[:-]){5}[0-9A-Fa-f]{2}$",
            "如 00:1A:2B:3C:4D:5E",
        ),
    ],
    "printer": [
        ("model", "型号", "text", False, False, [], "", ""),
        ("ip_address", "IP 地址", "ip_address", False, False, [], "", ""),
    ],
    "network_device": [
        ("ip_address", "管理 IP", "ip_address", True, True, [], "", ""),
        ("vendor", "厂商", "text", False, False, [], "", ""),
        ("model", "型号", "text", False, False, [], "", ""),
        ("ports", "端口数", "integer", False, False, [], "", ""),
    ],
    "security_device": [
        ("ip_address", "管理 IP", "ip_address", False, True, [], "", ""),
        (
            "kind",
            "类别",
            "choice",
            False,
            False,
            ["防火墙", "WAF", "堡垒机", "入侵检测", "网闸"],
            "",
            "",
        ),
    ],
    "datacenter_room": [("address", "地址", "text", False, False, [], "", "")],
    "rack": [("units", "U 数", "integer", False, False, [], "", "")],
    "power": [("capacity_kva", "容量(kVA)", "decimal", False, False, [], "", "")],
}

RELATION_TYPES = [
    # code, name, reverse name, acyclic, propagates impact, data flow
    ("owns", "拥有", "归属于", True, True, False),
    ("performs", "执行", "由…执行", True, True, False),
    ("uses", "使用", "被使用", True, True, False),
    ("runs_on", "运行于", "承载", True, True, False),
    ("hosted_in", "位于", "容纳", True, True, False),
    ("depends_on", "依赖", "被依赖", True, True, False),
    ("connected_to", "连接", "被连接", False, True, False),
    ("data_flow", "数据流", "数据来源", False, False, True),
]


def reference_load(ci_class_model: Any, attribute_model: Any, relation_type_model: Any) -> None:
    CIClass, CIAttribute, RelationType = ci_class_model, attribute_model, relation_type_model
    for order, (code, name, layer, icon) in enumerate(CLASSES):
        ci_class, _ = CIClass.objects.get_or_create(
            code=code, defaults={"name": name, "layer": layer, "icon": icon, "sort_order": order}
        )
        for position, row in enumerate(ATTRIBUTES.get(code, [])):
            attr_code, attr_name, kind, required, unique, choices, pattern, help_text = row
            CIAttribute.objects.get_or_create(
                ci_class=ci_class,
                code=attr_code,
                defaults={
                    "name": attr_name,
                    "type": kind,
                    "required": required,
                    "unique": unique,
                    "choices": choices,
                    "pattern": pattern,
                    "help_text": help_text,
                    "sort_order": position,
                },
            )
    for order, (code, name, reverse, acyclic, propagates, data_flow) in enumerate(RELATION_TYPES):
        RelationType.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "reverse_name": reverse,
                "acyclic": acyclic,
                "propagates_impact": propagates,
                "is_data_flow": data_flow,
                "sort_order": order,
            },
        )
