"""Writes of the SLA configuration. Policies are saved with their targets in one transaction."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from hitsm.core.errors import ValidationFailed
from hitsm.sla.models import SlaPolicy, SlaTarget


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
