"""The standard process library: every process compiles, is drawn, and takes its paths."""

from __future__ import annotations

import pytest
from defusedxml import ElementTree

from hitsm.workflow.actions import action_names
from hitsm.workflow.engine import process_compile, process_simulate
from hitsm.workflow.library import library_documents
from hitsm.workflow.models import ProcessDefinition

DI = "{http://www.omg.org/spec/BPMN/20100524/DI}"


@pytest.mark.parametrize(("code", "name", "description", "xml"), library_documents())
def test_each_standard_process_compiles_and_is_drawn(code, name, description, xml):
    compiled = process_compile(xml, known_actions=action_names())
    root = ElementTree.fromstring(xml.encode())
    drawn = {shape.get("bpmnElement") for shape in root.iter(f"{DI}BPMNShape")}
    assert set(compiled.nodes) <= drawn  # every node has a position for the designer
    edges = {edge.get("bpmnElement") for edge in root.iter(f"{DI}BPMNEdge")}
    flows = {
        f.get("id") for f in root.iter("{http://www.omg.org/spec/BPMN/20100524/MODEL}sequenceFlow")
    }
    assert flows == edges
    steps, finished = process_simulate(
        compiled, {"form": {}, "ticket": {"priority": 3}, "process": {}}
    )
    assert finished, f"{code} does not reach its end: {[s.node_id for s in steps]}"


def test_paths_through_the_account_request_and_the_incident():
    documents = {code: xml for code, _n, _d, xml in library_documents()}
    account = process_compile(documents["account-permission"], known_actions=action_names())
    rejected, _ = process_simulate(
        account, {"form": {}, "ticket": {}, "process": {}}, approve=False
    )
    assert [s.node_id for s in rejected][-2:] == ["reject_note", "end_rejected"]
    incident = process_compile(documents["incident"], known_actions=action_names())
    urgent, _ = process_simulate(incident, {"form": {}, "ticket": {"priority": 1}, "process": {}})
    assert "second_line" in [s.node_id for s in urgent]
    routine, _ = process_simulate(incident, {"form": {}, "ticket": {"priority": 4}, "process": {}})
    assert "first_line" in [s.node_id for s in routine]


def test_a_fresh_installation_has_the_library_as_drafts(db):
    codes = set(ProcessDefinition.objects.values_list("code", flat=True))
    assert {
        "standard-request",
        "account-permission",
        "incident",
        "major-incident",
        "hazard",
    } <= codes
    assert not ProcessDefinition.objects.filter(published__isnull=False).exists()
