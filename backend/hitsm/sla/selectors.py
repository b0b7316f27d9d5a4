from __future__ import annotations

from datetime import timedelta

from hitsm.sla.models import Priority, PriorityMatrixCell, PriorityTarget

# ServiceNow's default 3×3 matrix, used when a cell has not been configured.
DEFAULT_MATRIX = {
    (1, 1): 1,
    (1, 2): 2,
    (1, 3): 3,
    (2, 1): 2,
    (2, 2): 3,
    (2, 3): 4,
    (3, 1): 3,
    (3, 2): 4,
    (3, 3): 5,
}
DEFAULT_TARGETS = {
    1: (15, 4 * 60),
    2: (30, 8 * 60),
    3: (60, 24 * 60),
    4: (4 * 60, 72 * 60),
    5: (8 * 60, 168 * 60),
}


def priority_for(*, impact: int, urgency: int) -> int:
    cell = PriorityMatrixCell.objects.filter(impact=impact, urgency=urgency).first()
    if cell is not None:
        return int(cell.priority)
    return DEFAULT_MATRIX.get((impact, urgency), int(Priority.P3))


def targets_for(priority: int) -> tuple[timedelta, timedelta]:
    """(response, resolution) wall-clock targets for a priority."""
    target = PriorityTarget.objects.filter(priority=priority).first()
    response, resolution = (
        (target.response_minutes, target.resolution_minutes)
        if target
        else DEFAULT_TARGETS.get(priority, DEFAULT_TARGETS[3])
    )
    return timedelta(minutes=response), timedelta(minutes=resolution)
