"""Demo CMDB: a hospital on the OBASHI model, from the departments that own business activities
down to the data-centre rooms, with the data flows between the clinical applications.

Loading twice changes nothing: items are matched by code and relations by their ends and type.
"""

from __future__ import annotations

from typing import Any

from hitsm.accounts.models import Department
from hitsm.cmdb.models import CIClass, ConfigurationItem, Relation, RelationType
from hitsm.cmdb.services import ci_create, ci_update, relation_create

# Applications: code, name, owner department, clinical, vendor, VMs (code, ip), database (engine)
APPLICATIONS = [
    (
        "HIS",
        "HIS 医院信息系统",
        "XXC",
        True,
        "东华",
        [("his-app-01", 11), ("his-app-02", 12)],
        "Oracle",
    ),
    ("EMR", "EMR 电子病历", "YWC", True, "嘉和美康", [("emr-app-01", 21)], "Oracle"),
    ("PACS", "PACS 影像归档与通信", "FSK", True, "联影", [("pacs-app-01", 31)], "SQL Server"),
    ("RIS", "RIS 放射信息系统", "FSK", True, "联影", [("ris-app-01", 32)], "SQL Server"),
    ("LIS", "LIS 检验信息系统", "JYK", True, "杏和", [("lis-app-01", 41)], "Oracle"),
    ("AIMS", "手麻系统", "MZK", True, "麦迪斯顿", [("aims-app-01", 51)], "SQL Server"),
    ("PASS", "合理用药系统", "YJK", True, "美康", [("pass-app-01", 61)], "SQL Server"),
    ("ESB", "集成平台", "XXC", True, "东华", [("esb-app-01", 71), ("esb-app-02", 72)], "Cache"),
    ("NIS", "护理信息系统", "HLB", True, "东华", [("nis-app-01", 81)], "Oracle"),
    ("PIS", "病理信息系统", "BLK", True, "朗珈", [("pis-app-01", 91)], "MySQL"),
    ("YBJK", "医保接口平台", "YBB", True, "国新", [("yb-app-01", 101)], "MySQL"),
    ("TJXT", "体检系统", "TJZX", False, "创业", [("tj-app-01", 111)], "SQL Server"),
    ("ICUS", "重症监护系统", "ICU", True, "东华", [("icu-app-01", 121)], "PostgreSQL"),
    ("IH", "互联网医院", "MZ", False, "微医", [("ih-app-01", 131)], "MySQL"),
    ("OA", "OA 办公系统", "XXC", False, "致远", [("oa-app-01", 141)], "MySQL"),
]
# Business activities: code, name, owning department, applications used
ACTIVITIES = [
    ("BA-MZGH", "门诊挂号", "MZ", ["HIS", "IH"]),
    ("BA-MZKF", "门诊医生站开方", "MZ", ["HIS", "EMR", "PASS"]),
    ("BA-SFJS", "收费结算", "CWC", ["HIS"]),
    ("BA-YBJS", "医保结算", "YBB", ["HIS", "YBJK"]),
    ("BA-RYDJ", "住院登记", "YWC", ["HIS"]),
    ("BA-ZYYZ", "住院医嘱", "HLB", ["HIS", "EMR", "PASS"]),
    ("BA-BLSX", "病历书写", "YWC", ["EMR"]),
    ("BA-JYSQ", "检验申请与报告", "JYK", ["LIS", "HIS"]),
    ("BA-YXJC", "影像检查与阅片", "FSK", ["PACS", "RIS"]),
    ("BA-CSJC", "超声检查", "CSK", ["RIS", "PACS"]),
    ("BA-BLZD", "病理诊断", "BLK", ["PIS"]),
    ("BA-YFFY", "药房发药", "YJK", ["HIS", "PASS"]),
    ("BA-SSMZ", "手术麻醉记录", "MZK", ["AIMS"]),
    ("BA-HLJL", "护理记录", "HLB", ["NIS"]),
    ("BA-CPHD", "移动护理床旁核对", "HLB", ["NIS"]),
    ("BA-JZFZ", "急诊预检分诊", "JZ", ["HIS", "EMR"]),
    ("BA-ZZJH", "重症监护", "ICU", ["ICUS"]),
    ("BA-JKTJ", "健康体检", "TJZX", ["TJXT", "LIS"]),
    ("BA-HLWZ", "互联网医院问诊", "MZ", ["IH", "HIS"]),
    ("BA-XZSP", "行政办公审批", "XXC", ["OA"]),
]
# Business data sets and the flows that carry them: data code, name, [(source, target)]
DATA_FLOWS = [
    ("DATA-JYSQ", "检验申请", [("HIS", "LIS"), ("TJXT", "LIS")]),
    ("DATA-JYJG", "检验结果", [("LIS", "HIS"), ("LIS", "EMR")]),
    ("DATA-JCSQ", "检查申请", [("HIS", "RIS")]),
    ("DATA-JCBG", "检查报告", [("RIS", "HIS"), ("PACS", "EMR")]),
    ("DATA-CF", "处方与医嘱", [("HIS", "PASS"), ("HIS", "NIS")]),
    ("DATA-YYSH", "用药审核结果", [("PASS", "HIS")]),
    ("DATA-SSSQ", "手术申请", [("HIS", "AIMS")]),
    ("DATA-MZJL", "麻醉记录", [("AIMS", "EMR")]),
    ("DATA-HLJL", "护理记录", [("NIS", "EMR")]),
    ("DATA-BLBG", "病理报告", [("PIS", "EMR")]),
    ("DATA-YBJS", "医保结算数据", [("HIS", "YBJK")]),
    ("DATA-GH", "预约挂号", [("IH", "HIS")]),
]
HOSTS = ["esx-01", "esx-02", "esx-03", "esx-04"]
DB_SERVERS = ["db-srv-01", "db-srv-02"]


class _Loader:
    def __init__(self) -> None:
        self.classes = {c.code: c for c in CIClass.objects.all()}
        self.types = {t.code: t for t in RelationType.objects.all()}
        self.departments = {d.code: d for d in Department.objects.all()}
        self.items: dict[str, ConfigurationItem] = {}

    def item(
        self, class_code: str, code: str, name: str, department: str = "XXC", **fields: Any
    ) -> ConfigurationItem:
        fields.setdefault("owner_department", self.departments.get(department))
        existing = ConfigurationItem.objects.filter(code=code).first()
        if existing is None:
            item = ci_create(ci_class=self.classes[class_code], code=code, name=name, **fields)
        else:
            item = ci_update(item=existing, name=name, **fields)
        self.items[code] = item
        return item

    def link(self, source: str, target: str, kind: str, data_set: str | None = None) -> None:
        exists = Relation.objects.filter(
            source=self.items[source],
            target=self.items[target],
            type=self.types[kind],
            data_set=self.items[data_set] if data_set else None,
        ).exists()
        if not exists:
            relation_create(
                source=self.items[source],
                target=self.items[target],
                type=self.types[kind],
                data_set=self.items[data_set] if data_set else None,
            )


def load_demo() -> dict[str, int]:
    load = _Loader()
    # infrastructure: two rooms, their power, racks, the network core and security
    load.item("datacenter_room", "ROOM-A", "数据机房 A（主）", attributes={"address": "行政楼 B1"})
    load.item(
        "datacenter_room",
        "ROOM-B",
        "数据机房 B（灾备）",
        attributes={"address": "东院区信息楼 2 层"},
    )
    for room in ("A", "B"):
        load.item("power", f"UPS-{room}", f"UPS 电源 {room}", attributes={"capacity_kva": "200"})
        load.link(f"ROOM-{room}", f"UPS-{room}", "depends_on")
        load.item("rack", f"RACK-{room}01", f"机柜 {room}01", attributes={"units": 42})
        load.link(f"RACK-{room}01", f"ROOM-{room}", "hosted_in")
    load.item(
        "network_device",
        "core-sw-01",
        "核心交换机 01",
        clinical_critical=True,
        location="数据机房 A",
        attributes={"ip_address": "10.0.0.1", "vendor": "华为", "model": "CE12808"},
    )
    load.item(
        "network_device",
        "acc-sw-mz3",
        "门诊三楼接入交换机",
        location="门诊楼 3 层弱电间",
        attributes={"ip_address": "10.0.3.1", "vendor": "华为", "model": "S5735"},
    )
    load.item(
        "network_device",
        "acc-sw-jz1",
        "急诊一楼接入交换机",
        clinical_critical=True,
        location="急诊楼 1 层弱电间",
        attributes={"ip_address": "10.0.4.1", "vendor": "华为", "model": "S5735"},
    )
    load.item(
        "security_device",
        "fw-01",
        "互联网边界防火墙",
        attributes={"ip_address": "10.0.0.254", "kind": "防火墙"},
    )
    load.link("core-sw-01", "RACK-A01", "hosted_in")
    load.link("fw-01", "RACK-A01", "hosted_in")
    load.link("acc-sw-mz3", "core-sw-01", "connected_to")
    load.link("acc-sw-jz1", "core-sw-01", "connected_to")
    # hardware: virtualisation hosts, database servers, the SAN
    load.item(
        "storage",
        "san-01",
        "核心业务 SAN 存储",
        clinical_critical=True,
        attributes={"serial_no": "SAN-HW-0001", "capacity_tb": "240"},
    )
    load.link("san-01", "RACK-A01", "hosted_in")
    for index, code in enumerate([*HOSTS, *DB_SERVERS], start=1):
        load.item(
            "physical_server",
            code,
            f"{code}（{'虚拟化主机' if code.startswith('esx') else '数据库服务器'}）",
            clinical_critical=True,
            location="数据机房 A",
            attributes={
                "serial_no": f"SRV-2023-{index:04d}",
                "vendor": "华为",
                "model": "FusionServer 2288H V6",
                "ip_address": f"10.0.1.{index}",
                "warranty_until": "2028-06-30",
            },
        )
        load.link(code, "RACK-A01", "hosted_in")
        load.link(code, "core-sw-01", "connected_to")
        load.link(code, "san-01", "depends_on")
    # systems and applications
    for number, (code, name, department, clinical, vendor, vms, engine) in enumerate(APPLICATIONS):
        load.item(
            "application",
            code,
            name,
            department,
            clinical_critical=clinical,
            attributes={"vendor": vendor, "mlps_level": "三级" if clinical else "二级"},
        )
        for position, (vm, ip) in enumerate(vms):
            load.item(
                "virtual_machine",
                vm,
                f"{vm}（{code} 应用服务器）",
                clinical_critical=clinical,
                location="数据机房 A",
                attributes={"ip_address": f"10.10.{ip // 10}.{ip}", "os": "CentOS 7.9", "vcpu": 8},
            )
            load.link(code, vm, "runs_on")
            load.link(vm, HOSTS[(number + position) % len(HOSTS)], "hosted_in")
        database = f"{code.lower()}-db-01"
        load.item(
            "database",
            database,
            f"{database}（{code} 数据库）",
            clinical_critical=clinical,
            attributes={"engine": engine, "ip_address": f"10.20.0.{number + 1}"},
        )
        load.link(code, database, "depends_on")
        load.link(database, DB_SERVERS[number % 2], "runs_on")
    load.item(
        "virtual_machine",
        "report-vm-01",
        "report-vm-01（报表服务器）",
        operable_from_incident=True,
        location="数据机房 B",
        attributes={"ip_address": "10.10.90.1", "os": "Windows Server 2019", "vcpu": 4},
    )
    load.link("report-vm-01", "esx-04", "hosted_in")
    load.link("OA", "report-vm-01", "depends_on")
    # business activities and their owners
    for code, name, department, apps in ACTIVITIES:
        owner = f"OWN-{department}"
        load.item("owner", owner, load.departments[department].name, department)
        load.item(
            "business_activity", code, name, department, clinical_critical=department != "XXC"
        )
        load.link(owner, code, "owns")
        for app in apps:
            load.link(code, app, "uses")
    for code, name, flows in DATA_FLOWS:
        load.item("business_data", code, name, attributes={"sensitivity": "患者隐私"})
        for source, target in flows:
            load.link(source, target, "data_flow", data_set=code)
    # terminals and printers the service desk demo tickets point at
    load.item(
        "printer",
        "PRN-MZ3-01",
        "门诊三楼护士站打印机",
        "MZ",
        location="门诊楼 3 层护士站",
        attributes={"model": "HP LaserJet M404", "ip_address": "10.30.3.21"},
    )
    load.item(
        "printer",
        "PRN-JZ-01",
        "急诊分诊台腕带打印机",
        "JZ",
        clinical_critical=True,
        location="急诊楼 1 层分诊台",
        attributes={"model": "Zebra ZD510", "ip_address": "10.30.4.11"},
    )
    load.item(
        "terminal",
        "PC-MZ3-NS01",
        "门诊三楼护士站电脑",
        "MZ",
        location="门诊楼 3 层护士站",
        attributes={"ip_address": "10.30.3.101", "mac_address": "00:1A:2B:3C:30:01"},
    )
    load.link("PRN-MZ3-01", "acc-sw-mz3", "connected_to")
    load.link("PC-MZ3-NS01", "acc-sw-mz3", "connected_to")
    load.link("PRN-JZ-01", "acc-sw-jz1", "connected_to")
    load.link("BA-JZFZ", "PRN-JZ-01", "uses")
    return {"items": ConfigurationItem.objects.count(), "relations": Relation.objects.count()}
