"""Demo CMDB: the hospital's main applications and a few of the machines under them.
(The full OBASHI seed — business activities, data flows, racks — comes with the CMDB issue.)"""

from __future__ import annotations

from hitsm.accounts.models import Department
from hitsm.cmdb.models import CIClass, ConfigurationItem, ObashiLayer

CLASSES = [
    ("business_activity", "业务活动", ObashiLayer.BUSINESS, "Operation"),
    ("application", "应用系统", ObashiLayer.APPLICATION, "Monitor"),
    ("database", "数据库", ObashiLayer.SYSTEM, "Coin"),
    ("virtual_machine", "虚拟机", ObashiLayer.SYSTEM, "Cpu"),
    ("physical_server", "物理服务器", ObashiLayer.HARDWARE, "Box"),
    ("network_device", "网络设备", ObashiLayer.INFRASTRUCTURE, "Connection"),
    ("printer", "打印机", ObashiLayer.HARDWARE, "Printer"),
    ("terminal", "PC/终端", ObashiLayer.HARDWARE, "Monitor"),
]
ITEMS = [
    # class, code, name, owner department, clinical critical, operable from incident, location
    ("application", "HIS", "HIS 医院信息系统", "XXC", True, False, ""),
    ("application", "EMR", "EMR 电子病历", "YWC", True, False, ""),
    ("application", "PACS", "PACS 影像归档与通信", "FSK", True, False, ""),
    ("application", "RIS", "RIS 放射信息系统", "FSK", True, False, ""),
    ("application", "LIS", "LIS 检验信息系统", "JYK", True, False, ""),
    ("application", "AIMS", "手麻系统", "MZK", True, False, ""),
    ("application", "PASS", "合理用药系统", "YJK", True, False, ""),
    ("application", "ESB", "集成平台", "XXC", True, False, ""),
    ("application", "OA", "OA 办公系统", "XXC", False, False, ""),
    (
        "virtual_machine",
        "his-app-01",
        "his-app-01 (HIS 应用服务器)",
        "XXC",
        True,
        False,
        "数据机房 A",
    ),
    (
        "virtual_machine",
        "his-app-02",
        "his-app-02 (HIS 应用服务器)",
        "XXC",
        True,
        False,
        "数据机房 A",
    ),
    ("database", "his-db-01", "his-db-01 (HIS 数据库)", "XXC", True, False, "数据机房 A"),
    (
        "virtual_machine",
        "report-vm-01",
        "report-vm-01 (报表服务器)",
        "XXC",
        False,
        True,
        "数据机房 B",
    ),
    ("network_device", "core-sw-01", "核心交换机 01", "XXC", True, False, "数据机房 A"),
    ("printer", "PRN-MZ3-01", "门诊三楼护士站打印机", "MZ", False, False, "门诊楼 3 层护士站"),
    ("printer", "PRN-JZ-01", "急诊分诊台腕带打印机", "JZ", True, False, "急诊楼 1 层分诊台"),
]


def load_demo() -> dict[str, int]:
    classes = {}
    for order, (code, name, layer, icon) in enumerate(CLASSES):
        classes[code], _ = CIClass.objects.update_or_create(
            code=code, defaults={"name": name, "layer": layer, "icon": icon, "sort_order": order}
        )
    for class_code, code, name, owner, critical, operable, location in ITEMS:
        ConfigurationItem.objects.update_or_create(
            code=code,
            defaults={
                "ci_class": classes[class_code],
                "name": name,
                "clinical_critical": critical,
                "operable_from_incident": operable,
                "location": location,
                "owner_department": Department.objects.filter(code=owner).first(),
            },
        )
    return {"classes": CIClass.objects.count(), "items": ConfigurationItem.objects.count()}
