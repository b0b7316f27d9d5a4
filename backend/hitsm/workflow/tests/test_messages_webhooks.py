"""Processes talking to each other (messages between linked tickets), to other systems (HTTP
webhooks with retry / ignore / manual policies) and to their ticket (status steps, holding the
ticket until the process is done, stopping when the ticket is cancelled)."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.utils import timezone

from hitsm.accounts.models import AssignmentGroup
from hitsm.core.errors import Conflict, ValidationFailed
from hitsm.notifications.models import Notification
from hitsm.servicedesk.models import Ticket, TicketEvent
from hitsm.servicedesk.services import (
    ProcessRunning,
    ticket_accept,
    ticket_assign,
    ticket_cancel,
    ticket_create,
    ticket_link,
    ticket_resolve,
)
from hitsm.workflow import services, webhooks
from hitsm.workflow.models import (
    InstanceStatus,
    MessageStatus,
    ProcessDefinition,
    ProcessMessage,
    WebhookCall,
    WebhookStatus,
)
from hitsm.workflow.tests import bpmn
from hitsm.workflow.tests.test_workflow import instance_of, open_task, publish

# --- messages ---------------------------------------------------------------------------------

PROBLEM_PROCESS = bpmn.document(
    '<bpmn:startEvent id="p_start"/>'
    + bpmn.flow("p1", "p_start", "investigate")
    + bpmn.user_task("investigate", "根因分析", bpmn.raci(responsible="role:engineer"))
    + bpmn.flow("p2", "investigate", "p_outcome")
    + bpmn.service("p_outcome", "set_variable", name="outcome", value="fixed")
    + bpmn.flow("p3", "p_outcome", "p_told")
    + bpmn.message_event("p_told", "problem_resolved", throw=True)
    + bpmn.flow("p4", "p_told", "p_end")
    + '<bpmn:endEvent id="p_end"/>',
    process_id="problem_proc",
    messages=("problem_resolved",),
)

# An incident hands over to problem management and waits until the problem is resolved.
INCIDENT_PROCESS = bpmn.document(
    '<bpmn:startEvent id="start"/>'
    + bpmn.flow("f1", "start", "triage")
    + bpmn.user_task("triage", "分诊", bpmn.raci(responsible="role:agent"))
    + bpmn.flow("f2", "triage", "handover")
    + bpmn.service("handover", "create_linked_ticket", kind="problem", title="问题调查")
    + bpmn.flow("f3", "handover", "wait_problem")
    + bpmn.message_event("wait_problem", "problem_resolved", throw=False)
    + bpmn.flow("f4", "wait_problem", "gw")
    + '<bpmn:exclusiveGateway id="gw" default="f6"/>'
    + bpmn.flow("f5", "gw", "tell", 'message.outcome == "fixed"')
    + bpmn.flow("f6", "gw", "end")
    + bpmn.user_task("tell", "回访报修人", bpmn.raci(responsible="role:agent"))
    + bpmn.flow("f7", "tell", "end")
    + '<bpmn:endEvent id="end"/>',
    messages=("problem_resolved",),
)


def problem_by_default(definition: ProcessDefinition) -> None:
    """Problem records follow ``definition`` (instead of the library's unpublished draft)."""
    ProcessDefinition.objects.filter(default_for_kind="problem").update(default_for_kind="")
    ProcessDefinition.objects.filter(pk=definition.pk).update(default_for_kind="problem")


def test_a_problem_resolved_message_wakes_the_incident_waiting_on_it(
    item, submit, agent_chen, engineer_wang
):
    publish("incident-wait", INCIDENT_PROCESS, item=item)
    problem_by_default(publish("problem-test", PROBLEM_PROCESS))
    incident = submit(level="high")
    Ticket.objects.filter(pk=incident.pk).update(assignee=agent_chen)
    services.task_complete(task=open_task(instance_of(incident), "triage"), actor=agent_chen)
    waiting = instance_of(incident)
    assert waiting.waiting_for == ["problem_resolved"]
    assert services.instance_trail(waiting)["current"] == ["wait_problem"]

    problem = Ticket.objects.get(kind="problem")
    problem_run = instance_of(problem)  # the problem's own process started with it
    services.task_complete(task=open_task(problem_run, "investigate"), actor=engineer_wang)

    problem_run.refresh_from_db()
    assert problem_run.status == InstanceStatus.COMPLETED
    waiting.refresh_from_db()
    assert waiting.waiting_for == []
    # The gateway read message.outcome from the problem's process: the requester is called back.
    assert open_task(waiting, "tell").name == "回访报修人"
    message = ProcessMessage.objects.get(sender=problem_run)
    assert (message.receiver, message.status) == (waiting, MessageStatus.DELIVERED)
    assert message.payload["outcome"] == "fixed"
    assert message.payload["from"].startswith(problem.number)


def test_a_message_reaches_only_linked_tickets_and_is_recorded_when_nobody_waits(
    item, nurse_li, agent_chen, engineer_wang
):
    waiter = bpmn.document(
        '<bpmn:startEvent id="start"/>'
        + bpmn.flow("f1", "start", "wait")
        + bpmn.message_event("wait", "problem_resolved", throw=False)
        + bpmn.flow("f2", "wait", "end")
        + '<bpmn:endEvent id="end"/>',
        messages=("problem_resolved",),
    )
    publish("waiter", waiter, item=item)
    problem_by_default(publish("problem-test", PROBLEM_PROCESS))

    def incident():
        return ticket_create(
            requester=nurse_li, submitted_by=nurse_li, kind="incident", title="x", catalog_item=item
        )

    linked, unlinked = incident(), incident()
    problem = ticket_create(
        requester=agent_chen, submitted_by=agent_chen, kind="problem", title="HIS 反复登录失败"
    )
    ticket_link(ticket=problem, actor=agent_chen, other=linked)
    services.task_complete(task=open_task(instance_of(problem), "investigate"), actor=engineer_wang)
    assert instance_of(linked).status == InstanceStatus.COMPLETED
    assert instance_of(unlinked).status == InstanceStatus.RUNNING
    assert instance_of(unlinked).waiting_for == ["problem_resolved"]

    # A second problem nobody waits for: the message is kept as unmatched, not lost silently.
    lonely = ticket_create(
        requester=agent_chen, submitted_by=agent_chen, kind="problem", title="孤立问题"
    )
    services.task_complete(task=open_task(instance_of(lonely), "investigate"), actor=engineer_wang)
    assert ProcessMessage.objects.get(sender=instance_of(lonely)).status == MessageStatus.UNMATCHED


def test_a_message_event_must_name_its_message(db):
    unnamed = INCIDENT_PROCESS.replace(
        '<bpmn:message id="msg_problem_resolved" name="problem_resolved"/>', ""
    )
    with pytest.raises(ValidationFailed) as refused:
        services.definition_check(unnamed)
    assert refused.value.extra["problems"] == [
        {"element": "problem_resolved（wait_problem）", "message": "消息事件须选择有名称的消息"}
    ]


def test_the_viewer_shows_messages_both_ways_and_whether_the_process_holds_the_ticket(
    item, nurse_li, agent_chen, engineer_wang, client_for
):
    waiter = bpmn.document(
        '<bpmn:startEvent id="start"/>'
        + bpmn.flow("f1", "start", "wait")
        + bpmn.message_event("wait", "problem_resolved", throw=False)
        + bpmn.flow("f2", "wait", "end")
        + '<bpmn:endEvent id="end"/>',
        messages=("problem_resolved",),
    )
    definition = publish("waiter", waiter, item=item)
    ProcessDefinition.objects.filter(pk=definition.pk).update(holds_ticket=True)
    problem_by_default(publish("problem-test", PROBLEM_PROCESS))
    incident = ticket_create(
        requester=nurse_li, submitted_by=nurse_li, kind="incident", title="x", catalog_item=item
    )
    problem = ticket_create(
        requester=agent_chen, submitted_by=agent_chen, kind="problem", title="HIS 反复登录失败"
    )
    ticket_link(ticket=problem, actor=agent_chen, other=incident)
    services.task_complete(task=open_task(instance_of(problem), "investigate"), actor=engineer_wang)
    viewer = (
        client_for(agent_chen)
        .get("/api/v1/workflow/instances/", {"subject_type": "ticket", "subject_id": incident.pk})
        .json()[0]
    )
    assert viewer["holds_ticket"] is True
    assert [(m["direction"], m["name"]) for m in viewer["messages"]] == [
        ("received", "problem_resolved")
    ]
    assert viewer["messages"][0]["peer"].startswith(problem.number)
    sent = (
        client_for(agent_chen)
        .get("/api/v1/workflow/instances/", {"subject_type": "ticket", "subject_id": problem.pk})
        .json()[0]
    )
    assert sent["messages"][0]["direction"] == "sent"
    assert sent["messages"][0]["peer"].startswith(incident.number)


def test_simulation_passes_a_step_that_waits_for_a_message(admin_user):
    definition = ProcessDefinition.objects.create(
        code="sim", name="sim", draft_xml=INCIDENT_PROCESS
    )
    result = services.definition_simulate(definition=definition, data={})
    assert [s["node_id"] for s in result["path"]][:3] == ["start", "triage", "handover"]
    assert "wait_problem" in [s["node_id"] for s in result["path"]]


# --- webhooks ---------------------------------------------------------------------------------


class Receiver:
    """A real HTTP server on loopback that answers with the statuses it is given, in turn."""

    def __init__(self, statuses: list[int], answer: dict | None = None) -> None:
        self.statuses = list(statuses)
        self.answer = answer or {"account": "li.hong"}
        self.requests: list[dict] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append({"headers": dict(self.headers), "body": body})
                status = receiver.statuses.pop(0) if receiver.statuses else 200
                data = json.dumps(receiver.answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver(settings):
    made: list[Receiver] = []

    def make(statuses: list[int], answer: dict | None = None) -> Receiver:
        one = Receiver(statuses, answer)
        made.append(one)
        settings.WORKFLOW_WEBHOOK_HOSTS = ["127.0.0.1"]
        settings.WORKFLOW_WEBHOOK_SECRET = "s3cret-for-tests"
        return one

    yield make
    for one in made:
        one.close()


def webhook_process(url: str, policy: str, attempts: int = 3) -> str:
    """start → call the account system → gateway on its answer: ok → 开通确认, else → 人工开通."""
    return bpmn.document(
        '<bpmn:startEvent id="start"/>'
        + bpmn.flow("f1", "start", "call")
        + bpmn.service(
            "call", "http_webhook", url=url, policy=policy, attempts=str(attempts), result="hr"
        )
        + bpmn.flow("f2", "call", "gw")
        + '<bpmn:exclusiveGateway id="gw" default="f4"/>'
        + bpmn.flow("f3", "gw", "confirm", "process.hr.ok == True")
        + bpmn.flow("f4", "gw", "by_hand")
        + bpmn.user_task("confirm", "开通确认", bpmn.raci(responsible="role:agent"))
        + bpmn.flow("f5", "confirm", "end")
        + bpmn.user_task("by_hand", "人工开通", bpmn.raci(responsible="role:agent"))
        + bpmn.flow("f6", "by_hand", "end")
        + '<bpmn:endEvent id="end"/>'
    )


def later(minutes: int) -> dt.datetime:
    return timezone.now() + dt.timedelta(minutes=minutes)


def test_publishing_refuses_a_webhook_to_a_host_not_allowed(db, settings):
    settings.WORKFLOW_WEBHOOK_HOSTS = ["hr.hospital.local"]
    definition = ProcessDefinition.objects.create(
        code="hook", name="hook", draft_xml=webhook_process("http://10.9.9.9/x", "retry")
    )
    with pytest.raises(ValidationFailed) as refused:
        services.definition_publish(definition=definition, actor=None)
    assert "Webhook 主机不在允许列表" in json.dumps(refused.value.extra, ensure_ascii=False)
    definition.draft_xml = webhook_process("http://hr.hospital.local/x", "sometimes", 99)
    definition.save()
    with pytest.raises(ValidationFailed) as refused:
        services.definition_publish(definition=definition, actor=None)
    problems = json.dumps(refused.value.extra, ensure_ascii=False)
    assert "失败处理方式无效" in problems and "重试次数须为 1–10" in problems


def test_the_step_waits_for_the_call_made_outside_the_transaction(item, submit, receiver):
    hr = receiver([200], answer={"account": "li.hong"})
    publish("hook", webhook_process(hr.url, "retry"), item=item)
    ticket = submit(level="low")
    instance = instance_of(ticket)
    call = WebhookCall.objects.get(instance=instance)
    # Nothing was sent while the ticket was being created: the step waits.
    assert hr.requests == [] and call.status == WebhookStatus.PENDING
    assert services.instance_trail(instance)["current"] == ["call"]

    assert webhooks.webhooks_send() == 1
    call.refresh_from_db()
    assert (call.status, call.attempts, call.response_status) == (WebhookStatus.SUCCEEDED, 1, 200)
    sent = hr.requests[0]
    body = json.loads(sent["body"])
    assert body["subject"]["id"] == ticket.pk and body["process"]["node"] == "call"
    assert sent["headers"]["Idempotency-Key"] == str(call.key)
    digest = hmac.new(b"s3cret-for-tests", sent["body"], hashlib.sha256).hexdigest()
    assert sent["headers"]["X-HITSM-Signature"] == f"sha256={digest}"
    # The answer flowed into the process: the gateway took the "ok" branch.
    assert open_task(instance_of(ticket), "confirm")
    assert webhooks.webhooks_send() == 0  # nothing is sent twice


def test_retry_backs_off_then_succeeds_with_one_idempotency_key(item, submit, receiver):
    hr = receiver([503, 500, 200])
    publish("hook", webhook_process(hr.url, "retry", attempts=5), item=item)
    ticket = submit(level="low")
    call = WebhookCall.objects.get(instance=instance_of(ticket))
    webhooks.webhooks_send()
    call.refresh_from_db()
    assert (call.status, call.attempts, call.last_error) == (WebhookStatus.PENDING, 1, "HTTP 503")
    assert call.next_at > timezone.now()
    assert webhooks.webhooks_send() == 0  # not due yet
    webhooks.webhooks_send(now=later(2))
    webhooks.webhooks_send(now=later(10))
    call.refresh_from_db()
    assert (call.status, call.attempts) == (WebhookStatus.SUCCEEDED, 3)
    assert {r["headers"]["Idempotency-Key"] for r in hr.requests} == {str(call.key)}
    assert open_task(instance_of(ticket), "confirm")


def test_policy_ignore_goes_on_with_ok_false_after_its_attempts(item, submit, receiver):
    hr = receiver([500, 500])
    publish("hook", webhook_process(hr.url, "ignore", attempts=2), item=item)
    ticket = submit(level="low")
    webhooks.webhooks_send()
    webhooks.webhooks_send(now=later(5))
    call = WebhookCall.objects.get(instance=instance_of(ticket))
    assert (call.status, call.attempts) == (WebhookStatus.FAILED, 2)
    assert open_task(instance_of(ticket), "by_hand")  # the gateway saw process.hr.ok == False


def test_retry_exhausted_goes_to_a_person_who_retries_or_skips(
    item, submit, receiver, manager_zhao
):
    hr = receiver([500, 500, 500])
    publish("hook", webhook_process(hr.url, "retry", attempts=1), item=item)
    ticket = submit(level="low")
    webhooks.webhooks_send()
    call = WebhookCall.objects.get(instance=instance_of(ticket))
    assert call.status == WebhookStatus.MANUAL
    assert Notification.objects.filter(
        recipient=manager_zhao, title__startswith="流程调用外部系统失败"
    ).exists()
    assert services.instance_trail(instance_of(ticket))["current"] == ["call"]

    webhooks.webhook_retry(call=call, actor=manager_zhao)
    webhooks.webhooks_send()
    call.refresh_from_db()
    assert call.status == WebhookStatus.MANUAL  # still failing
    webhooks.webhook_skip(call=call, actor=manager_zhao, note="HR 系统维护，已人工开通")
    call.refresh_from_db()
    assert (call.status, call.finished_by) == (WebhookStatus.SKIPPED, manager_zhao)
    assert (call.note, call.last_error) == ("HR 系统维护，已人工开通", "HTTP 500")
    assert open_task(instance_of(ticket), "by_hand")
    with pytest.raises(Conflict):
        webhooks.webhook_skip(call=call, actor=manager_zhao)


def test_policy_manual_asks_a_person_at_the_first_failure(item, submit, receiver, manager_zhao):
    hr = receiver([500, 200])
    publish("hook", webhook_process(hr.url, "manual", attempts=5), item=item)
    ticket = submit(level="low")
    webhooks.webhooks_send()
    call = WebhookCall.objects.get(instance=instance_of(ticket))
    assert (call.status, call.attempts) == (WebhookStatus.MANUAL, 1)
    webhooks.webhook_retry(call=call, actor=manager_zhao)
    webhooks.webhooks_send()
    call.refresh_from_db()
    assert call.status == WebhookStatus.SUCCEEDED
    assert open_task(instance_of(ticket), "confirm")


def test_an_attempt_is_claimed_by_one_worker_only(item, submit, receiver):
    hr = receiver([200])
    publish("hook", webhook_process(hr.url, "retry"), item=item)
    call = WebhookCall.objects.get(instance=instance_of(submit(level="low")))
    now = timezone.now()
    assert webhooks._claim(call.pk, 0, now) is True
    assert webhooks._claim(call.pk, 0, now) is False  # the second worker read the same row
    assert webhooks.webhooks_send() == 0  # leased: not due again until the lease runs out


def test_cancelling_the_ticket_stops_its_process_and_calls(item, submit, receiver, agent_chen):
    hr = receiver([500])
    publish("hook", webhook_process(hr.url, "manual"), item=item)
    ticket = submit(level="low")
    ticket_cancel(ticket=ticket, actor=agent_chen, reason="重复提交")
    instance = instance_of(ticket)
    assert instance.status == InstanceStatus.CANCELLED
    assert WebhookCall.objects.get(instance=instance).status == WebhookStatus.CANCELLED
    assert webhooks.webhooks_send() == 0
    assert hr.requests == []


# --- the process and its ticket ---------------------------------------------------------------


def test_a_holding_process_decides_when_its_ticket_is_resolved(item, submit, agent_chen):
    desk_group = AssignmentGroup.objects.create(name="服务台", code="desk")
    desk_group.members.add(agent_chen)
    xml = bpmn.document(
        '<bpmn:startEvent id="start"/>'
        + bpmn.flow("f1", "start", "approve")
        + bpmn.user_task(
            "approve",
            "科主任审批",
            bpmn.raci(responsible="role:agent"),
            '<hitsm:approval mode="single"/>',
        )
        + bpmn.flow("f2", "approve", "working")
        + bpmn.service("working", "ticket_set_status", status="in_progress")
        + bpmn.flow("f3", "working", "raise")
        + bpmn.service("raise", "ticket_set_field", field="impact", value="1")
        + bpmn.flow("f4", "raise", "done")
        + bpmn.service("done", "ticket_set_status", status="resolved", note="账号已开通")
        + bpmn.flow("f5", "done", "end")
        + '<bpmn:endEvent id="end"/>'
    )
    definition = publish("holds", xml, item=item)
    ProcessDefinition.objects.filter(pk=definition.pk).update(holds_ticket=True)
    ticket = submit(level="low")
    ticket = ticket_accept(ticket=ticket, actor=agent_chen)
    ticket = ticket_assign(ticket=ticket, actor=agent_chen, group=desk_group, assignee=agent_chen)
    with pytest.raises(ProcessRunning) as refused:
        ticket_resolve(ticket=ticket, actor=agent_chen, code="fixed", notes="好了")
    assert "holds：科主任审批" in str(refused.value.message)
    assert refused.value.extra == {"steps": ["holds：科主任审批"]}

    services.task_complete(
        task=open_task(instance_of(ticket), "approve"), actor=agent_chen, approve=True
    )
    ticket.refresh_from_db()
    assert ticket.status == "resolved" and ticket.resolution_notes == "账号已开通"
    assert ticket.impact == 1
    assert instance_of(ticket).status == InstanceStatus.COMPLETED
    kinds = list(ticket.events.values_list("kind", flat=True))
    assert "started" in kinds and "resolved" in kinds


def test_a_process_resolves_a_ticket_the_desk_has_not_picked_up(item, submit):
    xml = bpmn.document(
        '<bpmn:startEvent id="start"/>'
        + bpmn.flow("f1", "start", "done")
        + bpmn.service("done", "ticket_set_status", status="resolved", code="guidance")
        + bpmn.flow("f2", "done", "end")
        + '<bpmn:endEvent id="end"/>'
    )
    publish("auto", xml, item=item)
    ticket = submit(level="low")
    ticket.refresh_from_db()
    assert (ticket.status, ticket.resolution_code) == ("resolved", "guidance")
    assert ticket.resolution_notes == "流程环节 done"


def test_a_status_step_that_cannot_apply_leaves_a_note(item, submit, agent_chen):
    xml = bpmn.document(
        '<bpmn:startEvent id="start"/>'
        + bpmn.flow("f1", "start", "resume")
        + bpmn.service("resume", "ticket_set_status", status="resumed")
        + bpmn.flow("f2", "resume", "end")
        + '<bpmn:endEvent id="end"/>'
    )
    publish("resume", xml, item=item)
    ticket = submit(level="low")
    note = TicketEvent.objects.get(ticket=ticket, kind="note", data__process_node="resume")
    assert "未能将工单设为「resumed」" in note.body
    ticket.refresh_from_db()
    assert ticket.status == "new"


def test_publishing_checks_status_and_field_steps(db):
    xml = bpmn.document(
        '<bpmn:startEvent id="start"/>'
        + bpmn.flow("f1", "start", "a")
        + bpmn.service("a", "ticket_set_status", status="deleted")
        + bpmn.flow("f2", "a", "b")
        + bpmn.service("b", "ticket_set_field", field="title", value="x")
        + bpmn.flow("f3", "b", "end")
        + '<bpmn:endEvent id="end"/>'
    )
    with pytest.raises(ValidationFailed) as refused:
        services.definition_check(xml)
    problems = refused.value.extra["problems"]
    assert [p["element"] for p in problems] == ["a（a）", "b（b）"]
