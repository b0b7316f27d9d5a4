"""Writes of the SLA configuration. Policies are saved with their targets in one transaction."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from hitsm.core.errors import ValidationFailed
from hitsm.sla.models import Priority, PriorityMatrixCell, SlaPolicy, SlaTarget
from hitsm.sla.selectors import DEFAULT_MATRIX


@transaction.atomic
def policy_save(
    *,
    policy: SlaPolicy,
    targets: list[dict[str, Any]] | None,
    departments: Any = None,
    catalog_items: Any = None,
) -> SlaPolicy:
    """Save a policy; ``targets`` (when given) replaces its targets, keyed by priority."""
    try:
        policy.full_clean(exclude=["calendar"])
    except ValidationError as exc:
        raise ValidationFailed(fields=exc.message_dict) from exc
    try:
        with transaction.atomic():
            policy.save()
    except IntegrityError as exc:
        raise ValidationFailed(
            code="sla.duplicate_code", fields={"code": [_("该编码已被使用")]}
        ) from exc
    if departments is not None:
        policy.departments.set(departments)
    if catalog_items is not None:
        policy.catalog_items.set(catalog_items)
    if targets is not None:
        if not targets:
            raise ValidationFailed(fields={"targets": [_("至少设置一个优先级的时限")]})
        keep = []
        for row in targets:
            target, _created = SlaTarget.objects.update_or_create(
                policy=policy,
                priority=row["priority"],
                defaults={
                    "response_minutes": row["response_minutes"],
                    "resolution_minutes": row["resolution_minutes"],
                },
            )
            keep.append(target.pk)
        for stale in SlaTarget.objects.filter(policy=policy).exclude(pk__in=keep):
            stale.delete()  # one by one, so that the change log records each
    return policy


@transaction.atomic
def priority_matrix_set(*, cells: Mapping[tuple[int, int], int]) -> int:
    """Replace the whole priority matrix: ``cells`` maps every (impact, urgency) to a priority.

    Each changed cell is saved on its own row, so the change log records it (with the actor of
    the request) and the reference cache forgets the old matrix: ``priority_for`` answers the
    new priority at once here and within a second in the other processes. Tickets keep the
    priority they have; new tickets, and later impact/urgency edits, use the new matrix.
    Returns how many cells changed.
    """
    if set(cells) != set(DEFAULT_MATRIX):
        raise ValidationFailed(fields={"cells": [_("优先级矩阵须包含全部 9 个格子")]})
    if any(priority not in Priority.values for priority in cells.values()):
        raise ValidationFailed(fields={"cells": [_("优先级须为 P1 到 P5（1–5 的整数）")]})
    rows = {
        (row.impact, row.urgency): row for row in PriorityMatrixCell.objects.select_for_update()
    }
    changed = 0
    for (impact, urgency), priority in sorted(cells.items()):
        row = rows.get((impact, urgency))
        if row is None:
            PriorityMatrixCell.objects.create(impact=impact, urgency=urgency, priority=priority)
        elif row.priority != priority:
            row.priority = priority
            row.save(update_fields=["priority", "updated_at"])
        else:
            continue
        changed += 1
    return changed


def priority_matrix_reset() -> int:
    """Put every cell back to the default matrix (see ``priority_matrix_set``)."""
    return priority_matrix_set(cells=DEFAULT_MATRIX)
