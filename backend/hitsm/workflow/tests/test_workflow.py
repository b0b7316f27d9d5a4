"""Processes end to end on tickets: publishing rules, RACI, approvals, timers, version pinning."""

from __future__ import annotations

import datetime as dt
import json
import threading

import pytest
import time_machine
from django.db import connection
from django.utils import timezone

from hitsm.accounts.roles import Role
from hitsm.accounts.tests.factories import UserFactory
from hitsm.catalog.models import CatalogItem
from hitsm.core.errors import Conflict, Forbidden, ValidationFailed
from hitsm.notifications.models import Notification
from hitsm.servicedesk.models import Ticket, TicketEvent
from hitsm.servicedesk.services import ticket_create
from hitsm.workflow import services
from hitsm.workflow.expressions import UnsafeExpression, expression_evaluate
from hitsm.workflow.models import (
    HumanTask,
    InstanceStatus,
    ProcessBinding,
    ProcessDefinition,
    ProcessInstance,
    TaskStatus,
    TimerJob,
)
from hitsm.workflow.tests import bpmn
from hitsm.workflow.tests.conftest import make_item


def publish(code: str, xml: str, *, item: CatalogItem | None = None, actor=None):
    definition = ProcessDefinition.objects.create(code=code, name=code, draft_xml=xml)
    services.definition_publish(definition=definition, actor=actor)
    if item is not None:
        ProcessBinding.objects.create(process=definition, catalog_item=item)
    definition.refresh_from_db()
    return definition


def instance_of(ticket) -> ProcessInstance:
    return ProcessInstance.objects.get(subject_type="ticket", subject_id=ticket.pk)


def open_task(instance, node_id) -> HumanTask:
    return instance.tasks.get(node_id=node_id, parent__isnull=True, status__in=["open", "signoff"])


# --- publishing ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (
            lambda x: x.replace(
                '<bpmn:endEvent id="end"/>',
                '<bpmn:endEvent id="end"/><bpmn:scriptTask id="evil"><bpmn:script>import os</bpmn:script></bpmn:scriptTask>',
            ),
            "不支持的 BPMN 元素：scriptTask",
        ),
        (
            lambda x: x.replace('form.level == "high"', '__import__("os").system("id")'),
            "只能调用 filled() 或 empty()",
        ),
        (
            lambda x: x.replace('form.level == "high"', "form.__class__"),
            "只能引用 form.<字段>、ticket.<字段>、process.<字段> 或 message.<字段>",
        ),
        (
            lambda x: x.replace(bpmn.raci(responsible="role:engineer"), ""),
            "人工任务须设置负责人（R）",
        ),
        (lambda x: x.replace(' default="f4"', ""), "排他网关须设置默认流向"),
        (lambda x: x.replace(bpmn.flow("f5", "fix", "end"), ""), "该节点没有后续流向（死胡同）"),
        (lambda x: x.replace('name="ticket_note"', 'name="shell"'), "未知的服务动作：shell"),
    ],
)
def test_unsafe_or_broken_bpmn_is_refused_naming_the_element(db, mutate, message):
    definition = ProcessDefinition.objects.create(
        code="p", name="p", draft_xml=mutate(bpmn.triage_process())
    )
    with pytest.raises(ValidationFailed) as failed:
        services.definition_publish(definition=definition, actor=None)
    assert failed.value.code == "bpmn_rejected"
    assert any(message in line for line in failed.value.fields["draft_xml"]), failed.value.fields
    assert definition.versions.count() == 0


def test_xml_entities_are_refused(db):
    xxe = '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]><d>&x;</d>'
    definition = ProcessDefinition.objects.create(code="x", name="x", draft_xml=xxe)
    with pytest.raises(ValidationFailed) as failed:
        services.definition_publish(definition=definition, actor=None)
    assert "不是有效的 BPMN XML" in failed.value.fields["draft_xml"][0]


def test_expressions_are_evaluated_without_eval():
    context = {"form": {"level": "high", "n": 3}, "ticket": {"priority": 2}}
    assert expression_evaluate('form.level == "high" and ticket.priority <= 2', context) is True
    assert expression_evaluate("form.n in [1, 2]", context) is False
    assert expression_evaluate("filled(form.level) and empty(form.missing)", context) is True
    assert expression_evaluate("form.missing > 3", context) is False  # None > 3: false, no error
    nested = {"process": {"hr": {"ok": True, "data": {"account": "li"}}}}
    assert expression_evaluate("process.hr.ok == True", nested) is True
    assert expression_evaluate('process.hr.data.account == "li"', nested) is True
    assert expression_evaluate("process.missing.ok == True", nested) is False
    for bad in (
        "().__class__",
        "process.hr.data.account.x",  # deeper than two levels into a value
        "process.hr.__class__",
        "other.hr.ok",
        "form['x']",
        "[x for x in form.a]",
        "lambda: 1",
        "form.level.upper()",
    ):
        with pytest.raises(UnsafeExpression):
            expression_evaluate(bad, context)


# --- running on a ticket ------------------------------------------------------------------


def test_a_ticket_follows_its_items_process_and_raci_decides_who_acts(
    item, submit, agent_chen, nurse_li, engineer_wang
):
    publish("triage", bpmn.triage_process(), item=item)
    ticket = submit(level="high")
    instance = instance_of(ticket)
    triage = open_task(instance, "triage")
    assert list(triage.responsible.all()) == [agent_chen]
    assert triage.informed == [nurse_li.pk]
    # The requester is informed, not responsible: she cannot complete it.
    with pytest.raises(Forbidden):
        services.task_complete(task=triage, actor=nurse_li)
    with pytest.raises(Forbidden):
        services.task_complete(task=triage, actor=engineer_wang)
    services.task_complete(task=triage, actor=agent_chen, comment="转二线")
    fix = open_task(instance, "fix")  # the gateway read form.level == "high"
    # R heard about their tasks; I heard what happened at the step.
    told = (
        Notification.objects.filter(kind="process.task")
        .filter(channel="inapp")
        .values_list("recipient__username", "title")
    )
    assert ("agent_chen", "待处理：分诊") in set(told)
    assert ("engineer_wang", "待处理：处理") in set(told)
    informed = Notification.objects.get(
        kind="process.informed", recipient=nurse_li, channel="inapp"
    )
    assert (informed.title, informed.body) == ("分诊 已完成", "转二线")
    assert list(fix.responsible.all()) == [engineer_wang]
    services.task_complete(task=fix, actor=engineer_wang, comment="已重启")
    instance.refresh_from_db()
    assert instance.status == InstanceStatus.COMPLETED
    assert TimerJob.objects.get(instance=instance).status == "cancelled"  # never due
    with pytest.raises(Conflict):
        services.task_complete(task=fix, actor=engineer_wang)


def test_the_default_flow_is_taken_when_no_condition_holds(item, submit, agent_chen):
    publish("triage", bpmn.triage_process(), item=item)
    instance = instance_of(submit(level="low"))
    services.task_complete(task=open_task(instance, "triage"), actor=agent_chen)
    instance.refresh_from_db()
    assert instance.status == InstanceStatus.COMPLETED


def test_field_permissions_are_checked_on_completion(item, submit, agent_chen):
    xml = bpmn.triage_process().replace(
        bpmn.raci(responsible="role:agent", informed="requester"),
        bpmn.raci(responsible="role:agent")
        + '<hitsm:fields><hitsm:field key="level" access="required"/>'
        '<hitsm:field key="system" access="readonly"/></hitsm:fields>',
    )
    publish("triage", xml, item=item)
    task = open_task(instance_of(submit(system="HIS")), "triage")
    with pytest.raises(ValidationFailed) as failed:
        services.task_complete(task=task, actor=agent_chen, values={"form": {"system": "EMR"}})
    assert failed.value.fields == {
        "form.system": ["该环节不能修改此字段"],
        "form.level": ["该环节须填写此字段"],
    }
    services.task_complete(task=task, actor=agent_chen, values={"form": {"level": "high"}})
    assert open_task(instance_of(Ticket.objects.get(pk=task.instance.subject_id)), "fix")


def test_countersign_needs_every_approver(item, submit, engineer_wang):
    head_a = UserFactory(username="head_a", roles=[Role.REQUESTER])
    head_b = UserFactory(username="head_b", roles=[Role.REQUESTER])
    publish("sign", bpmn.approval_process("all", "user:head_a user:head_b"), item=item)
    instance = instance_of(submit())
    task = open_task(instance, "approve")
    with pytest.raises(ValidationFailed):
        services.task_complete(task=task, actor=head_a)  # must say yes or no
    services.task_complete(task=task, actor=head_a, approve=True)
    assert open_task(instance, "approve").pk == task.pk  # still waiting for head_b
    with pytest.raises(Conflict):
        services.task_complete(task=task, actor=head_a, approve=True)
    services.task_complete(task=task, actor=head_b, approve=True, comment="同意")
    assert open_task(instance, "handle")


def test_or_sign_needs_one_and_a_rejection_decides(item, submit):
    UserFactory(username="head_a", roles=[Role.REQUESTER])
    head_b = UserFactory(username="head_b", roles=[Role.REQUESTER])
    publish("sign", bpmn.approval_process("any", "user:head_a user:head_b"), item=item)
    first = instance_of(submit())
    services.task_complete(task=open_task(first, "approve"), actor=head_b, approve=True)
    assert open_task(first, "handle")
    second = instance_of(submit())
    services.task_complete(task=open_task(second, "approve"), actor=head_b, approve=False)
    second.refresh_from_db()
    assert second.status == InstanceStatus.COMPLETED  # ended on the rejected branch
    assert not second.tasks.filter(node_id="handle").exists()


def test_the_accountable_signs_off_what_the_responsible_did(
    item, submit, engineer_wang, manager_zhao
):
    publish(
        "signoff",
        bpmn.approval_process("any", "role:manager", accountable="role:manager"),
        item=item,
    )
    instance = instance_of(submit())
    services.task_complete(task=open_task(instance, "approve"), actor=manager_zhao, approve=True)
    handle = open_task(instance, "handle")
    services.task_complete(task=handle, actor=engineer_wang, comment="已处理")
    handle.refresh_from_db()
    assert handle.status == TaskStatus.SIGNOFF
    with pytest.raises(Forbidden):
        services.task_complete(task=handle, actor=engineer_wang, approve=True)
    services.task_complete(task=handle, actor=manager_zhao, approve=True)
    instance.refresh_from_db()
    assert instance.status == InstanceStatus.COMPLETED


def test_a_running_instance_stays_on_its_version(item, submit, agent_chen, engineer_wang):
    definition = publish("triage", bpmn.triage_process(), item=item)
    instance = instance_of(submit(level="high"))
    definition.draft_xml = bpmn.triage_process().replace(
        bpmn.raci(responsible="role:engineer"), bpmn.raci(responsible="role:manager")
    )
    definition.save()
    services.definition_publish(definition=definition, actor=None)
    services.task_complete(task=open_task(instance, "triage"), actor=agent_chen)
    assert list(open_task(instance, "fix").responsible.all()) == [engineer_wang]  # v1's R
    assert instance.version.version == 1
    newer = instance_of(submit(level="high"))
    assert newer.version.version == 2


# --- timers -------------------------------------------------------------------------------


def notes(ticket) -> int:
    return TicketEvent.objects.filter(ticket=ticket, data__process_node="remind").count()


def test_a_timer_fires_once(item, submit):
    publish("triage", bpmn.triage_process(), item=item)
    ticket = submit(level="high")
    job = TimerJob.objects.get(instance=instance_of(ticket))
    assert abs((job.due_at - timezone.now()) - dt.timedelta(minutes=15)) < dt.timedelta(seconds=30)
    assert services.timers_fire() == 0
    with time_machine.travel(job.due_at + dt.timedelta(seconds=1)):
        assert services.timers_fire() == 1
        assert services.timers_fire() == 0
    assert notes(ticket) == 1
    job.refresh_from_db()
    assert job.status == "fired"
    assert open_task(instance_of(ticket), "triage")  # non-interrupting: triage still open


@pytest.mark.django_db(transaction=True)
def test_two_workers_fire_each_timer_exactly_once(nurse_li):
    if connection.vendor != "postgresql":
        pytest.skip("row locks with SKIP LOCKED: PostgreSQL")
    item = make_item("his")
    UserFactory(username="agent_x", roles=[Role.AGENT])
    publish("triage", bpmn.triage_process(), item=item)
    tickets = [
        ticket_create(
            requester=nurse_li,
            submitted_by=nurse_li,
            kind="incident",
            title=f"t{i}",
            catalog_item=item,
        )
        for i in range(20)
    ]
    due = max(TimerJob.objects.values_list("due_at", flat=True)) + dt.timedelta(seconds=1)
    counts: list[int] = []
    barrier = threading.Barrier(2)

    def worker() -> None:
        from django.db import connection as thread_connection

        try:
            barrier.wait()
            counts.append(services.timers_fire(now=due))
        finally:
            thread_connection.close()

    with time_machine.travel(due, tick=True):
        threads = [threading.Thread(target=worker) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert sum(counts) == 20
    assert [notes(t) for t in tickets] == [1] * 20
    assert TimerJob.objects.filter(status="fired").count() == 20


# --- handing over to problem management -----------------------------------------------------


def test_an_incident_hands_over_to_problem_management_linked_both_ways(
    item, submit, agent_chen, nurse_li, client_for
):
    from hitsm.dashboards.kpis import KpiFilters, cohort

    xml = bpmn.document(
        '<bpmn:startEvent id="start"/>'
        + bpmn.flow("f1", "start", "triage")
        + bpmn.user_task("triage", "分诊", bpmn.raci(responsible="role:agent"))
        + bpmn.flow("f2", "triage", "handover")
        + bpmn.service("handover", "create_linked_ticket", kind="problem", title="问题调查")
        + bpmn.flow("f3", "handover", "end")
        + '<bpmn:endEvent id="end"/>'
    )
    publish("to-problem", xml, item=item)
    incident = submit(level="high")
    Ticket.objects.filter(pk=incident.pk).update(assignee=agent_chen)
    services.task_complete(task=open_task(instance_of(incident), "triage"), actor=agent_chen)
    problem = Ticket.objects.get(kind="problem")
    assert problem.number.startswith("PRB-")
    assert problem.title == "问题调查：HIS 登录失败"
    assert problem.requester == agent_chen and problem.department is None
    assert list(incident.related.all()) == [problem]
    assert list(problem.related.all()) == [incident]  # both ways
    assert TicketEvent.objects.filter(ticket=problem, kind="linked", body=incident.number).exists()
    state = instance_of(incident).state
    assert problem.number in json.dumps(state, ensure_ascii=False)
    # The service KPIs count what requesters submit, not the problem record.
    now = timezone.now()
    counted = cohort(KpiFilters(start=now - dt.timedelta(days=1), end=now + dt.timedelta(days=1)))
    assert set(counted.values_list("kind", flat=True)) == {"incident"}
    # A requester cannot open a problem record herself.
    refused = client_for(nurse_li).post(
        "/api/v1/tickets/", {"kind": "problem", "title": "x"}, format="json"
    )
    assert refused.status_code == 403


def test_a_call_activity_runs_the_published_process_it_names(item, submit, agent_chen):
    child = bpmn.document(
        '<bpmn:startEvent id="c_start"/>'
        + bpmn.flow("c1", "c_start", "c_task")
        + bpmn.user_task("c_task", "子流程处理", bpmn.raci(responsible="role:agent"))
        + bpmn.flow("c2", "c_task", "c_end")
        + '<bpmn:endEvent id="c_end"/>',
        process_id="child_proc",
    )
    publish("child", child)
    publish("unrelated", bpmn.triage_process().replace('id="proc"', 'id="other_proc"'))
    parent = bpmn.document(
        '<bpmn:startEvent id="start"/>'
        + bpmn.flow("f1", "start", "call")
        + '<bpmn:callActivity id="call" name="调用子流程" calledElement="child_proc"/>'
        + bpmn.flow("f2", "call", "end")
        + '<bpmn:endEvent id="end"/>'
    )
    definition = publish("parent", parent, item=item)
    # Only the process it calls travels with its spec.
    assert set(definition.published.spec["subprocess_specs"]) == {"child_proc"}
    instance = instance_of(submit())
    task = open_task(instance, "c_task")
    services.task_complete(task=task, actor=agent_chen)
    instance.refresh_from_db()
    assert instance.status == InstanceStatus.COMPLETED
    missing = ProcessDefinition.objects.create(
        code="broken", name="broken", draft_xml=parent.replace("child_proc", "nowhere")
    )
    with pytest.raises(ValidationFailed) as failed:
        services.definition_publish(definition=missing, actor=None)
    assert "调用的流程不存在或未发布：nowhere" in failed.value.fields["draft_xml"][0]


def test_a_task_takes_its_own_lanes_role_even_when_lanes_share_a_name():
    from hitsm.workflow.actions import action_names
    from hitsm.workflow.engine import process_compile

    def lane(ident: str, role: str, node: str) -> str:
        return (
            f'<bpmn:lane id="{ident}" name="审批"><bpmn:extensionElements>'
            f'<hitsm:role code="{role}"/></bpmn:extensionElements>'
            f"<bpmn:flowNodeRef>{node}</bpmn:flowNodeRef></bpmn:lane>"
        )

    xml = bpmn.document(
        '<bpmn:laneSet id="ls">'
        + lane("l1", "manager", "a")
        + lane("l2", "engineer", "b")
        + "</bpmn:laneSet>"
        + '<bpmn:startEvent id="start"/>'
        + bpmn.flow("f1", "start", "a")
        + '<bpmn:userTask id="a" name="A"/>'
        + bpmn.flow("f2", "a", "b")
        + '<bpmn:userTask id="b" name="B"/>'
        + bpmn.flow("f3", "b", "end")
        + '<bpmn:endEvent id="end"/>'
    )
    compiled = process_compile(xml, known_actions=action_names())
    assert compiled.nodes["a"]["raci"]["responsible"] == ["role:manager"]
    assert compiled.nodes["b"]["raci"]["responsible"] == ["role:engineer"]
