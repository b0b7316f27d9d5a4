"""SLA clocks computed from a ticket's status history, so that the same history always gives
the same numbers.

A clock measures one metric of one ticket against a target in business minutes on a calendar:

- **response**: runs from creation until the ticket first leaves ``new`` (受理); once stopped it
  never restarts.
- **resolution**: runs from creation until the ticket is resolved, closed or cancelled; a
  reopened ticket's clock continues (the time spent resolved does not count).

Both pause while the ticket is in a pause status (by default ``pending``: waiting for the
requester, a vendor or a change). The rule for changes, stated once: the clock is always
recomputed from the whole history with the *current* target and calendar, applied from the
start (like ServiceNow's "cancel and re-apply" with a retroactive start). Raising a ticket
from P3 to P1 therefore shortens its deadline from the moment it was opened, and a holiday
added to a calendar afterwards moves every deadline that spans it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from hitsm.sla.calendar import CalendarSpec, business_add, business_minutes

Metric = Literal["response", "resolution"]
RESPONSE_DONE = frozenset(
    {"accepted", "assigned", "in_progress", "pending", "resolved", "closed", "cancelled"}
)
RESOLUTION_DONE = frozenset({"resolved", "closed", "cancelled"})
DEFAULT_PAUSE = frozenset({"pending"})


@dataclass(frozen=True)
class ClockState:
    metric: Metric
    target_minutes: int
    elapsed_minutes: float  # business minutes counted so far (pauses excluded)
    state: Literal["running", "paused", "met", "breached", "cancelled"]
    due_at: dt.datetime | None  # projected deadline; None while paused
    breached_at: dt.datetime | None  # when the target was (or will have been) exceeded
    stopped_at: dt.datetime | None
    pause_reason: str = ""

    @property
    def remaining_minutes(self) -> float:
        return max(0.0, self.target_minutes - self.elapsed_minutes)

    @property
    def percent(self) -> float:
        return round(100 * self.elapsed_minutes / self.target_minutes, 1)

    @property
    def breached(self) -> bool:
        return self.breached_at is not None


def clock_compute(
    *,
    metric: Metric,
    history: Sequence[tuple[dt.datetime, str]],
    target_minutes: int,
    calendar: CalendarSpec,
    now: dt.datetime,
    pause_statuses: Iterable[str] = DEFAULT_PAUSE,
) -> ClockState:
    """The clock at ``now`` from ``history``: (time, status entered) in time order, the first
    entry being the creation (status ``new``)."""
    if not history:
        raise ValueError("a clock needs at least the creation")
    pauses = frozenset(pause_statuses)
    done = RESPONSE_DONE if metric == "response" else RESOLUTION_DONE
    elapsed = 0.0
    breached_at: dt.datetime | None = None
    stopped_at: dt.datetime | None = None
    points = [(t, s) for t, s in history if t <= now] or [history[0]]
    for index, (start, status) in enumerate(points):
        end = points[index + 1][0] if index + 1 < len(points) else now
        if status in done:
            if metric == "response":
                stopped_at, current = start, status
                break
            continue  # resolved: paused until reopened (or for good)
        if status in pauses or end <= start:
            continue
        span = business_minutes(calendar, start, end)
        if breached_at is None and elapsed + span > target_minutes:
            breached_at = business_add(calendar, start, target_minutes - elapsed)
        elapsed += span
    else:
        current = points[-1][1]
    if metric == "resolution" and current in done:
        stopped_at = points[-1][0]
    if stopped_at is not None:
        if current == "cancelled":
            state: Literal["running", "paused", "met", "breached", "cancelled"] = "cancelled"
        else:
            state = "breached" if breached_at is not None else "met"
        return ClockState(metric, target_minutes, elapsed, state, None, breached_at, stopped_at)
    if current in pauses:
        return ClockState(
            metric, target_minutes, elapsed, "paused", None, breached_at, None, pause_reason=current
        )
    # breached means strictly over the target: at exactly 100 % the deadline is now; once
    # breached, the deadline is the moment the target was crossed
    due_at = breached_at or business_add(calendar, now, max(0.0, target_minutes - elapsed))
    state = "breached" if breached_at is not None else "running"
    return ClockState(metric, target_minutes, elapsed, state, due_at, breached_at, None)
