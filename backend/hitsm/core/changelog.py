"""Change logging for every model of a change-logged tier.

``pre_save`` reads the row as it is in the database (the "before"), ``post_save`` and
``post_delete`` write one ``ChangeLog`` row with the actor (user, request id, client address)
from :mod:`hitsm.core.context`.
Bulk ``update()`` calls bypass signals; services that use them call :func:`changelog_record`.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ObjectDoesNotExist
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models.signals import post_delete, post_save, pre_save

from hitsm.core.context import Actor, current_actor
from hitsm.core.masking import mask_value, sensitive_fields_of
from hitsm.core.models import ChangeAction, ChangeLog, ChangeLoggingMixin

MASK = "******"


def snapshot(instance: models.Model) -> dict[str, Any]:
    """JSON-safe dict of the concrete field values, with masked and ignored fields applied."""
    masked = set(getattr(instance, "changelog_masked_fields", ()))
    ignored = set(getattr(instance, "changelog_ignored_fields", ()))
    # personal numbers enter the log masked as everywhere else (hitsm.core.masking)
    sensitive = sensitive_fields_of(instance)
    data: dict[str, Any] = {}
    for field in instance._meta.concrete_fields:
        if field.name in ignored:
            continue
        value = field.value_from_object(instance)
        if field.name in masked or field.name in sensitive:
            kind = sensitive.get(field.name)
            data[field.name] = (mask_value(kind, value) if kind else MASK) if value else ""
            # keep a fingerprint so that a change is still visible without revealing the value
            data[f"{field.name}__fingerprint"] = (
                hashlib.sha256(str(value).encode()).hexdigest() if value else None
            )
            continue
        data[field.attname if field.is_relation else field.name] = value
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))


def _diff(before: dict[str, Any] | None, after: dict[str, Any] | None) -> list[str]:
    keys = set(before or {}) | set(after or {})
    changed = {
        k.removesuffix("__fingerprint")
        for k in keys
        if (before or {}).get(k) != (after or {}).get(k)
    }
    return sorted(changed)


def _clean(data: dict[str, Any] | None) -> dict[str, Any] | None:
    if data is None:
        return None
    return {k: v for k, v in data.items() if not k.endswith("__fingerprint")}


def changelog_record(
    instance: models.Model,
    *,
    action: str,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    actor: Actor | None = None,
) -> ChangeLog | None:
    """Write one change log row; an update that changed nothing writes nothing."""
    changed = _diff(before, after)
    if action == ChangeAction.UPDATE and not changed:
        return None
    actor = actor or current_actor()
    return ChangeLog.objects.create(
        actor_id=actor.user_id,
        actor_label=actor.label[:150],
        request_id=actor.request_id,
        ip_address=actor.ip,
        action=action,
        content_type=ContentType.objects.get_for_model(instance, for_concrete_model=True),
        object_id=str(instance.pk),
        object_repr=_repr(instance)[:200],
        before=_clean(before),
        after=_clean(after),
        changed_fields=changed,
    )


def _repr(instance: models.Model) -> str:
    """The object's name; in a cascade its related rows may already be gone, which must not
    fail the delete (the log still names the model and id)."""
    try:
        return str(instance)
    except ObjectDoesNotExist:
        return f"{instance._meta.verbose_name} #{instance.pk}"


def _on_pre_save(
    sender: type[models.Model], instance: models.Model, raw: bool = False, **kwargs: Any
) -> None:
    if raw or not isinstance(instance, ChangeLoggingMixin):
        return
    before = None
    if instance.pk is not None and not instance._state.adding:
        current = sender._base_manager.filter(pk=instance.pk).first()
        before = snapshot(current) if current is not None else None
    instance._changelog_before = before  # type: ignore[attr-defined]


def _on_post_save(
    sender: type[models.Model],
    instance: models.Model,
    created: bool,
    raw: bool = False,
    update_fields: Any = None,
    **kwargs: Any,
) -> None:
    if raw or not isinstance(instance, ChangeLoggingMixin):
        return
    before = getattr(instance, "_changelog_before", None)
    after = snapshot(instance)
    action = ChangeAction.CREATE if created or before is None else ChangeAction.UPDATE
    changelog_record(instance, action=action, before=None if created else before, after=after)
    instance._changelog_before = after  # type: ignore[attr-defined]


def _on_post_delete(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    if not isinstance(instance, ChangeLoggingMixin):
        return
    changelog_record(instance, action=ChangeAction.DELETE, before=snapshot(instance), after=None)


def connect_signals() -> None:
    pre_save.connect(_on_pre_save, dispatch_uid="hitsm_changelog_pre_save")
    post_save.connect(_on_post_save, dispatch_uid="hitsm_changelog_post_save")
    post_delete.connect(_on_post_delete, dispatch_uid="hitsm_changelog_post_delete")
