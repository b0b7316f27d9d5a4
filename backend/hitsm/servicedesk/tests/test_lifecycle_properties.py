"""Property test (hypothesis, stateful): whatever sequence of lifecycle actions people try on a
ticket, in whatever order, the ticket never reaches an illegal state.

After every step, for the ticket under test:
- an action succeeds exactly when the lifecycle table allows it from the current status, and a
  refused action changes nothing (status, version, timeline, change log);
- the status is the one the timeline replays to (the SLA clocks are computed from that replay);
- the stamps agree with the status: accepted once it has left 新建 (unless cancelled straight
  away), resolved while resolved or closed, closed only when closed;
- the version only grows, and grows on every change;
- the clocks agree: the response clock is stopped once accepted, the resolution clock runs
  exactly while the ticket is open and not pending, and pauses while pending.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from hitsm.accounts.roles import Role
from hitsm.accounts.tests.factories import UserFactory
from hitsm.core.errors import Conflict
from hitsm.core.models import ChangeLog
from hitsm.servicedesk.choices import TicketStatus as S
from hitsm.servicedesk.clocks import ticket_history
from hitsm.servicedesk.models import AssignmentGroup, Ticket, TicketClock
from hitsm.servicedesk.services import (
    LIFECYCLE,
    ticket_accept,
    ticket_assign,
    ticket_cancel,
    ticket_close,
    ticket_confirm,
    ticket_create,
    ticket_escalate,
    ticket_pend,
    ticket_reopen,
    ticket_resolve,
    ticket_resume,
    ticket_start,
    ticket_transfer,
)
from hitsm.sla.models import BusinessCalendar, EscalationRule, PublicHoliday, SlaPolicy, SlaTarget
from hitsm.sla.reference import calendars_load, holidays_load, policies_load

pytestmark = pytest.mark.django_db

OPEN = {S.NEW, S.ACCEPTED, S.ASSIGNED, S.IN_PROGRESS, S.PENDING}


def _people(nurse):
    agent = UserFactory(username="sm_agent", display_name="服务台", roles=[Role.AGENT])
    engineer = UserFactory(username="sm_engineer", display_name="王工", roles=[Role.ENGINEER])
    second = UserFactory(username="sm_second", display_name="李工", roles=[Role.ENGINEER])
    second_line = AssignmentGroup.objects.create(name="应用组", code="sm-apps")
    second_line.members.add(second)
    first_line = AssignmentGroup.objects.create(
        name="桌面运维组", code="sm-desk", escalation_group=second_line
    )
    first_line.members.add(engineer)
    return {
        "nurse": nurse,
        "agent": agent,
        "engineer": engineer,
        "groups": [first_line, second_line],
    }


def test_no_sequence_of_actions_reaches_an_illegal_state(nurse_li):
    calendars_load(BusinessCalendar)
    holidays_load(PublicHoliday, 2025, 2027)
    policies_load(BusinessCalendar, SlaPolicy, SlaTarget, EscalationRule)
    people = _people(nurse_li)

    class Lifecycle(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            self.ticket = ticket_create(
                requester=people["nurse"],
                submitted_by=people["nurse"],
                kind="incident",
                title="门诊3楼打印机一直卡纸",
                impact=2,
                urgency=2,
            )
            self.version = self.ticket.version

        # -- the attempt and the rule it must follow ------------------------------------------

        def attempt(self, action: str, call) -> None:
            current = Ticket.objects.get(pk=self.ticket.pk)
            status, version = current.status, current.version  # the services refresh `current`
            events = current.events.count()
            changes = ChangeLog.objects.filter(object_id=str(current.pk)).count()
            allowed = status in LIFECYCLE[action]
            try:
                self.ticket = call(current)
            except Conflict:
                assert not allowed, f"{action} refused from {status}"
                after = Ticket.objects.get(pk=current.pk)
                assert (after.status, after.version) == (status, version)
                assert after.events.count() == events
                assert ChangeLog.objects.filter(object_id=str(current.pk)).count() == changes
                return
            assert allowed, f"{action} succeeded from {status}"
            assert Ticket.objects.get(pk=current.pk).version > version

        @rule()
        def accept(self) -> None:
            self.attempt("accept", lambda t: ticket_accept(ticket=t, actor=people["agent"]))

        @rule(to_second=st.booleans())
        def assign(self, to_second: bool) -> None:
            group = people["groups"][1 if to_second else 0]
            self.attempt(
                "assign", lambda t: ticket_assign(ticket=t, actor=people["agent"], group=group)
            )

        @rule()
        def start(self) -> None:
            self.attempt("start", lambda t: ticket_start(ticket=t, actor=people["agent"]))

        @rule()
        def pend(self) -> None:
            self.attempt(
                "pend",
                lambda t: ticket_pend(
                    ticket=t, actor=people["agent"], reason="requester", note="等护士长确认"
                ),
            )

        @rule()
        def resume(self) -> None:
            self.attempt("resume", lambda t: ticket_resume(ticket=t, actor=people["agent"]))

        @rule()
        def resolve(self) -> None:
            self.attempt(
                "resolve",
                lambda t: ticket_resolve(
                    ticket=t, actor=people["agent"], code="fixed", notes="清理搓纸轮后恢复"
                ),
            )

        @rule()
        def confirm(self) -> None:
            self.attempt("confirm", lambda t: ticket_confirm(ticket=t, actor=people["nurse"]))

        @rule()
        def close(self) -> None:
            self.attempt("close", lambda t: ticket_close(ticket=t, actor=people["agent"]))

        @rule()
        def reopen(self) -> None:
            self.attempt(
                "reopen",
                lambda t: ticket_reopen(ticket=t, actor=people["nurse"], reason="又卡纸了"),
            )

        @rule()
        def cancel(self) -> None:
            self.attempt(
                "cancel", lambda t: ticket_cancel(ticket=t, actor=people["agent"], reason="重复")
            )

        @rule()
        def transfer(self) -> None:
            current = Ticket.objects.get(pk=self.ticket.pk)
            first, second = people["groups"]
            other = first if current.assignment_group_id == second.pk else second
            self.attempt(
                "transfer",
                lambda t: ticket_transfer(
                    ticket=t, actor=people["agent"], group=other, reason="转交另一组"
                ),
            )

        @rule(kind=st.sampled_from(["management", "tier"]))
        def escalate(self, kind: str) -> None:
            current = Ticket.objects.select_related("assignment_group").get(pk=self.ticket.pk)
            group = current.assignment_group
            if kind == "tier" and (group is None or group.escalation_group_id is None):
                return  # refused as bad input (no second line), tested in test_lifecycle_api
            self.attempt(
                "escalate",
                lambda t: ticket_escalate(
                    ticket=t, actor=people["agent"], kind=kind, reason="反复发生"
                ),
            )

        # -- what must hold after every step --------------------------------------------------

        @invariant()
        def the_state_is_legal(self) -> None:
            ticket = Ticket.objects.get(pk=self.ticket.pk)
            assert ticket.status in S.values
            assert ticket.version >= self.version
            self.version = ticket.version
            history = ticket_history(ticket)
            assert history[0][1] == S.NEW
            assert history[-1][1] == ticket.status, "the timeline replays to the status"
            left_new = any(status != S.NEW for _when, status in history)
            cancelled_new = [s for _w, s in history] == [S.NEW, S.CANCELLED]
            if left_new and not cancelled_new:
                assert ticket.accepted_at is not None
            if ticket.status in (S.RESOLVED, S.CLOSED):
                assert ticket.resolved_at is not None
            if ticket.status in OPEN:
                assert ticket.closed_at is None
            if ticket.status == S.CLOSED:
                assert ticket.closed_at is not None

        @invariant()
        def the_clocks_agree(self) -> None:
            ticket = Ticket.objects.get(pk=self.ticket.pk)
            clocks = {c.metric: c for c in TicketClock.objects.filter(ticket=ticket)}
            assert set(clocks) == {"response", "resolution"}
            response, resolution = clocks["response"], clocks["resolution"]
            if ticket.status != S.NEW:
                assert response.stopped_at is not None
            else:
                assert response.state in ("running", "breached")
            if ticket.status == S.PENDING:
                assert resolution.state == "paused" and resolution.due_at is None
            elif ticket.status in OPEN:
                assert resolution.state in ("running", "breached")
                assert resolution.stopped_at is None
            else:
                assert resolution.stopped_at is not None
                assert resolution.next_check_at is None
            for clock in clocks.values():
                assert clock.elapsed_minutes >= 0

    run_state_machine_as_test(
        Lifecycle,
        settings=settings(
            max_examples=25,
            stateful_step_count=12,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
        ),
    )
