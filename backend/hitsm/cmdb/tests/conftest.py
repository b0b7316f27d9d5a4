from __future__ import annotations

from dataclasses import dataclass

import pytest

from hitsm.cmdb.models import CIAttribute, CIClass, ConfigurationItem, RelationType
from hitsm.cmdb.reference import reference_load
from hitsm.cmdb.services import ci_create, relation_create


@pytest.fixture
def reference(db) -> None:
    """The seeded classes and relation types (transactional tests flush migration data)."""
    reference_load(CIClass, CIAttribute, RelationType)


def klass(code: str) -> CIClass:
    return CIClass.objects.get(code=code)


def rtype(code: str) -> RelationType:
    return RelationType.objects.get(code=code)


def make(class_code: str, code: str, name: str | None = None, **fields) -> ConfigurationItem:
    return ci_create(ci_class=klass(class_code), code=code, name=name or code, **fields)


def link(source, target, kind: str, data_set=None):
    return relation_create(source=source, target=target, type=rtype(kind), data_set=data_set)


@dataclass
class Graph:
    owner: ConfigurationItem
    registration: ConfigurationItem  # 门诊挂号
    lab_order: ConfigurationItem  # 检验申请与报告
    his: ConfigurationItem
    lis: ConfigurationItem
    lab_request: ConfigurationItem  # business data 检验申请
    vm_his: ConfigurationItem
    vm_lis: ConfigurationItem
    db_his: ConfigurationItem
    server: ConfigurationItem
    switch: ConfigurationItem
    room: ConfigurationItem


@pytest.fixture
def graph(reference, department_outpatient) -> Graph:
    """A hand-built hospital slice, every relation reading "source depends on target":

    门诊部(owner) -owns-> 门诊挂号 -uses-> HIS -runs_on-> vm-his -hosted_in-> server
    检验申请与报告 -uses-> LIS -runs_on-> vm-lis -hosted_in-> server
    HIS -depends_on-> db-his -runs_on-> server ; server -connected_to-> switch -hosted_in-> room
    HIS =data flow(检验申请)=> LIS
    """
    owner = make("owner", "OWN-MZ", "门诊部", owner_department=department_outpatient)
    registration = make(
        "business_activity", "BA-REG", "门诊挂号", owner_department=department_outpatient
    )
    lab_order = make("business_activity", "BA-LAB", "检验申请与报告")
    his = make("application", "HIS", "HIS", clinical_critical=True)
    lis = make("application", "LIS", "LIS", clinical_critical=True)
    lab_request = make("business_data", "DATA-LABREQ", "检验申请")
    vm_his = make("virtual_machine", "vm-his", attributes={"ip_address": "10.1.1.10"})
    vm_lis = make("virtual_machine", "vm-lis", attributes={"ip_address": "10.1.1.11"})
    db_his = make("database", "db-his", attributes={"engine": "Oracle"})
    server = make("physical_server", "srv-01", attributes={"serial_no": "SN001"})
    switch = make("network_device", "sw-core", attributes={"ip_address": "10.0.0.1"})
    room = make("datacenter_room", "room-a", "数据机房 A")
    link(owner, registration, "owns")
    link(registration, his, "uses")
    link(lab_order, lis, "uses")
    link(his, vm_his, "runs_on")
    link(lis, vm_lis, "runs_on")
    link(his, db_his, "depends_on")
    link(db_his, server, "runs_on")
    link(vm_his, server, "hosted_in")
    link(vm_lis, server, "hosted_in")
    link(server, switch, "connected_to")
    link(switch, room, "hosted_in")
    link(his, lis, "data_flow", data_set=lab_request)
    return Graph(
        owner,
        registration,
        lab_order,
        his,
        lis,
        lab_request,
        vm_his,
        vm_lis,
        db_his,
        server,
        switch,
        room,
    )
