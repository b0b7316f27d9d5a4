import threading

import pytest
from django.db import close_old_connections

from hitsm.cmdb.models import Relation
from hitsm.cmdb.selectors import dependencies, diagram, graph_reaches, impact_analysis
from hitsm.cmdb.services import relation_create
from hitsm.core.errors import Conflict, DomainError, ValidationFailed

from .conftest import link, make, rtype

pytestmark = pytest.mark.django_db


def names(rows) -> set[str]:
    return {row["name"] for row in rows}


def test_impact_of_a_server_reaches_up_to_the_owner(graph):
    impact = impact_analysis(graph.server)
    assert names(impact["business_activities"]) == {"门诊挂号", "检验申请与报告"}
    assert names(impact["applications"]) == {"HIS", "LIS"}
    assert names(impact["owners"]) == {"门诊部"}
    assert [d["name"] for d in impact["departments"]] == ["门诊部"]
    assert impact["clinical_critical"] is True
    # vm-his, vm-lis, db-his, HIS, LIS, two activities, the owner
    assert impact["total"] == 8
    assert impact["by_layer"] == {"system": 3, "application": 2, "business": 2, "ownership": 1}
    [flow] = impact["data_flows"]
    assert (flow["source"]["name"], flow["target"]["name"], flow["data_set"]["name"]) == (
        "HIS",
        "LIS",
        "检验申请",
    )


def test_a_data_flow_does_not_carry_impact(graph):
    # LIS is down: HIS does not fail with it, although HIS sends it data
    impact = impact_analysis(graph.lis)
    assert names(impact["business_activities"]) == {"检验申请与报告"}
    assert impact["applications"] == []
    assert len(impact["data_flows"]) == 1


def test_impact_of_the_room_goes_through_connected_to(graph):
    impact = impact_analysis(graph.room)
    assert names(impact["applications"]) == {"HIS", "LIS"}
    assert impact["total"] == 10


def test_dependencies_of_a_business_activity_are_its_whole_stack(graph):
    result = dependencies(graph.registration)
    assert {row["name"] for row in result["items"]} == {
        "HIS",
        "vm-his",
        "db-his",
        "srv-01",
        "sw-core",
        "数据机房 A",
    }
    # listed from the top layer down
    assert [row["layer"] for row in result["items"]][:2] == ["application", "system"]
    assert result["total"] == 6 and result["truncated"] is False


def test_relations_must_not_close_a_loop_of_acyclic_types(graph):
    assert graph_reaches(start=graph.his.pk, goal=graph.server.pk)
    with pytest.raises(ValidationFailed) as exc:
        link(graph.server, graph.his, "depends_on")
    assert exc.value.code == "cmdb.relation_cycle"
    with pytest.raises(ValidationFailed):
        link(graph.vm_his, graph.his, "runs_on")  # a direct two-node loop
    # connected_to may loop (redundant network paths), and it does not break impact analysis
    link(graph.switch, graph.server, "connected_to")
    assert impact_analysis(graph.server)["total"] == 9  # the switch now depends on the server


def test_self_duplicate_and_data_flow_rules(graph):
    with pytest.raises(ValidationFailed) as exc:
        link(graph.his, graph.his, "uses")
    assert exc.value.code == "cmdb.self_relation"
    with pytest.raises(Conflict) as conflict:
        link(graph.his, graph.vm_his, "runs_on")
    assert conflict.value.code == "cmdb.relation_exists"
    with pytest.raises(ValidationFailed) as exc:
        link(graph.his, graph.vm_his, "data_flow", data_set=graph.lab_request)
    assert "target" in exc.value.fields
    with pytest.raises(ValidationFailed) as exc:
        link(graph.lis, graph.his, "data_flow")
    assert "data_set" in exc.value.fields
    with pytest.raises(ValidationFailed) as exc:
        link(graph.lis, graph.his, "data_flow", data_set=graph.vm_his)
    assert "data_set" in exc.value.fields
    with pytest.raises(ValidationFailed) as exc:
        link(graph.his, graph.vm_lis, "uses", data_set=graph.lab_request)
    assert exc.value.code == "cmdb.data_set_not_allowed"
    # the same two applications may exchange several data sets, both ways
    results = make("business_data", "DATA-LABRES", "检验结果")
    link(graph.lis, graph.his, "data_flow", data_set=results)
    link(graph.his, graph.lis, "data_flow", data_set=results)
    assert Relation.objects.filter(type__code="data_flow").count() == 3


def test_diagram_from_a_business_activity_expands_down_and_shows_data_flows(graph):
    result = diagram(graph.registration, depth=2)
    shown = {node["name"] for node in result.nodes}
    # two levels down: HIS, then vm-his and db-his; LIS comes in as HIS's data-flow partner
    assert shown == {"门诊挂号", "HIS", "vm-his", "db-his", "LIS"}
    kinds = {(edge["type"], edge["data_set"]) for edge in result.edges}
    assert ("data_flow", "检验申请") in kinds and ("uses", None) in kinds
    layers = {node["name"]: node["layer"] for node in result.nodes}
    assert layers["门诊挂号"] == "business" and layers["vm-his"] == "system"
    assert not result.truncated
    wider = diagram(graph.his, depth=1, direction="both")
    assert {node["name"] for node in wider.nodes} >= {"门诊挂号", "vm-his", "db-his", "LIS"}


@pytest.mark.django_db(transaction=True)
def test_two_people_closing_a_loop_at_once_cannot_both_succeed(reference):
    a = make("application", "APP-A")
    b = make("application", "APP-B")
    depends = rtype("depends_on")
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def add(source, target):
        close_old_connections()
        try:
            barrier.wait()
            relation_create(source=source, target=target, type=depends)
            outcomes.append("ok")
        except DomainError as exc:
            outcomes.append(exc.code)
        except Exception as exc:  # SQLite: the loser may see "database is locked" and retry
            outcomes.append(type(exc).__name__)
        finally:
            close_old_connections()

    threads = [
        threading.Thread(target=add, args=(a, b)),
        threading.Thread(target=add, args=(b, a)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count("ok") == 1, outcomes
    assert Relation.objects.count() == 1
