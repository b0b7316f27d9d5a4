"""Write operations of the CMDB: classes and their attributes, configuration items, relations.

Every write goes through the ORM so that the change log records it with its actor. Attribute
values are validated against the item's class; unique attributes are enforced by the database
(``CIUniqueValue``), relations of acyclic types may not close a loop.
"""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils.translation import gettext as _

from hitsm.cmdb.attributes import attributes_clean, unique_key
from hitsm.cmdb.models import (
    CIAttribute,
    CIClass,
    CIUniqueValue,
    ConfigurationItem,
    ObashiLayer,
    Relation,
    RelationType,
)
from hitsm.cmdb.selectors import graph_reaches
from hitsm.core.errors import Conflict, ValidationFailed

ITEM_FIELDS = frozenset(
    {
        "ci_class",
        "name",
        "code",
        "description",
        "status",
        "owner_department",
        "support_group",
        "clinical_critical",
        "operable_from_incident",
        "location",
        "attributes",
    }
)
# Serialises writes to the acyclic part of the graph on PostgreSQL, so that two people adding
# A→B and B→A at the same moment cannot both pass the cycle check. SQLite writers are serial.
GRAPH_LOCK_KEY = 7_320_001


def _full_clean(instance: Any, *, exclude: list[str] | None = None) -> None:
    try:
        instance.full_clean(exclude=exclude)
    except ValidationError as exc:
        raise ValidationFailed(fields=exc.message_dict) from exc


def _attribute_error(errors: dict[str, str]) -> ValidationFailed:
    return ValidationFailed(
        code="cmdb.invalid_attributes",
        fields={f"attributes.{code}": [message] for code, message in errors.items()},
    )


def _sync_unique_values(item: ConfigurationItem) -> None:
    """Replace the item's unique-value rows; a clash names the item that holds the value."""
    CIUniqueValue.objects.filter(item=item).delete()
    unique_attributes = [a for a in item.ci_class.attributes.all() if a.unique]
    for attribute in unique_attributes:
        value = item.attributes.get(attribute.code)
        if value is None or value == "":
            continue
        key = unique_key(value)
        try:
            with transaction.atomic():
                CIUniqueValue.objects.create(
                    ci_class=item.ci_class, attribute=attribute, value=key, item=item
                )
        except IntegrityError:
            holder = (
                CIUniqueValue.objects.filter(attribute=attribute, value=key)
                .select_related("item")
                .first()
            )
            raise ValidationFailed(
                code="cmdb.duplicate_attribute",
                fields={
                    f"attributes.{attribute.code}": [
                        _("“%(value)s”已被配置项 %(item)s 使用")
                        % {"value": value, "item": holder.item.code if holder else "?"}
                    ]
                },
            ) from None


def _save_item(item: ConfigurationItem, raw_attributes: dict[str, Any]) -> ConfigurationItem:
    clean, errors = attributes_clean(item.ci_class.attributes.all(), raw_attributes)
    item.attributes = clean
    try:
        item.full_clean(exclude=["attributes"])
    except ValidationError as exc:
        fields = exc.message_dict
        if errors:
            fields = {**fields, **{f"attributes.{c}": [m] for c, m in errors.items()}}
        raise ValidationFailed(fields=fields) from exc
    if errors:
        raise _attribute_error(errors)
    try:
        with transaction.atomic():
            item.save()
            _sync_unique_values(item)
    except IntegrityError as exc:  # the code was taken between full_clean and save
        raise ValidationFailed(
            code="cmdb.duplicate_code", fields={"code": [_("该编码已被使用")]}
        ) from exc
    return item


@transaction.atomic
def ci_create(
    *,
    ci_class: CIClass,
    name: str,
    code: str,
    attributes: dict[str, Any] | None = None,
    **fields: Any,
) -> ConfigurationItem:
    illegal = set(fields) - ITEM_FIELDS
    if illegal:
        raise ValueError(f"fields not settable here: {sorted(illegal)}")
    if not ci_class.is_active:
        raise ValidationFailed(
            code="cmdb.class_inactive", fields={"ci_class": [_("该配置项类型已停用")]}
        )
    item = ConfigurationItem(ci_class=ci_class, name=name, code=code, **fields)
    return _save_item(item, attributes or {})


@transaction.atomic
def ci_update(*, item: ConfigurationItem, **changes: Any) -> ConfigurationItem:
    """Change fields; ``attributes`` replaces the whole set (the form always sends all of them)."""
    illegal = set(changes) - ITEM_FIELDS
    if illegal:
        raise ValueError(f"fields not settable here: {sorted(illegal)}")
    item = ConfigurationItem.objects.select_for_update().get(pk=item.pk)
    raw_attributes = changes.pop("attributes", item.attributes)
    for name, value in changes.items():
        setattr(item, name, value)
    return _save_item(item, raw_attributes)


@transaction.atomic
def ci_delete(*, item: ConfigurationItem) -> None:
    """Delete an item that nothing points at; otherwise it should be retired instead."""
    in_use = []
    if item.carried_by.exists():
        in_use.append(_("数据流"))
    tickets = getattr(item, "tickets", None)
    if tickets is not None and tickets.exists():
        in_use.append(_("工单"))
    if in_use:
        raise Conflict(
            _("该配置项已被%(what)s引用，不能删除；请将状态改为“已退役”")
            % {"what": "、".join(in_use)},
            code="cmdb.item_in_use",
        )
    item.delete()


def _lock_graph() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [GRAPH_LOCK_KEY])


@transaction.atomic
def relation_create(
    *,
    source: ConfigurationItem,
    target: ConfigurationItem,
    type: RelationType,
    data_set: ConfigurationItem | None = None,
    description: str = "",
) -> Relation:
    if source.pk == target.pk:
        raise ValidationFailed(
            code="cmdb.self_relation", fields={"target": [_("配置项不能与自身建立关系")]}
        )
    if type.is_data_flow:
        _check_data_flow(source, target, data_set)
    elif data_set is not None:
        raise ValidationFailed(
            code="cmdb.data_set_not_allowed",
            fields={"data_set": [_("只有数据流关系才携带业务数据")]},
        )
    if type.acyclic:
        _lock_graph()
        # source depends on target: a loop exists if target already (transitively) reaches source
        if graph_reaches(start=target.pk, goal=source.pk):
            raise ValidationFailed(
                _("建立该关系会形成循环依赖：%(target)s 已经依赖 %(source)s")
                % {"target": target.name, "source": source.name},
                code="cmdb.relation_cycle",
                fields={"target": [_("会形成循环依赖")]},
            )
    relation = Relation(
        source=source, target=target, type=type, data_set=data_set, description=description
    )
    _full_clean(relation, exclude=["source", "target", "type", "data_set"])
    try:
        with transaction.atomic():
            relation.save()
    except IntegrityError as exc:
        raise Conflict(_("这两个配置项之间已有相同的关系"), code="cmdb.relation_exists") from exc
    return relation


def _check_data_flow(
    source: ConfigurationItem, target: ConfigurationItem, data_set: ConfigurationItem | None
) -> None:
    errors: dict[str, list[str]] = {}
    if source.ci_class.layer != ObashiLayer.APPLICATION:
        errors["source"] = [_("数据流的源必须是应用")]
    if target.ci_class.layer != ObashiLayer.APPLICATION:
        errors["target"] = [_("数据流的目标必须是应用")]
    if data_set is None:
        errors["data_set"] = [_("请选择数据流携带的业务数据")]
    elif data_set.ci_class.layer != ObashiLayer.DATA:
        errors["data_set"] = [_("请选择“业务数据”层的配置项")]
    if errors:
        raise ValidationFailed(code="cmdb.invalid_data_flow", fields=errors)


@transaction.atomic
def relation_delete(*, relation: Relation) -> None:
    relation.delete()


@transaction.atomic
def ci_class_save(*, ci_class: CIClass) -> CIClass:
    _full_clean(ci_class)
    ci_class.save()
    return ci_class


@transaction.atomic
def attribute_save(*, attribute: CIAttribute) -> CIAttribute:
    """Create or change an attribute definition. Making it unique checks the existing values."""
    _full_clean(attribute, exclude=["ci_class"])
    if attribute.type == "choice" and not attribute.choices:
        raise ValidationFailed(
            code="cmdb.choices_required", fields={"choices": [_("选项类型至少需要一个可选值")]}
        )
    if attribute.pattern:
        try:
            re.compile(attribute.pattern)
        except re.error:
            raise ValidationFailed(
                code="cmdb.invalid_pattern", fields={"pattern": [_("正则表达式无效")]}
            ) from None
    try:
        with transaction.atomic():
            attribute.save()
    except IntegrityError as exc:
        raise ValidationFailed(
            code="cmdb.duplicate_code", fields={"code": [_("该类型已有此编码的属性")]}
        ) from exc
    CIUniqueValue.objects.filter(attribute=attribute).delete()
    if attribute.unique:
        seen: dict[str, str] = {}
        rows = []
        items = ConfigurationItem.objects.filter(ci_class=attribute.ci_class).only(
            "id", "code", "attributes"
        )
        for item in items:
            value = item.attributes.get(attribute.code)
            if value is None or value == "":
                continue
            key = unique_key(value)
            if key in seen:
                raise ValidationFailed(
                    _("已有配置项的“%(name)s”重复（%(a)s 与 %(b)s），不能设为唯一")
                    % {"name": attribute.name, "a": seen[key], "b": item.code},
                    code="cmdb.duplicate_attribute",
                    fields={"unique": [_("现有数据存在重复值")]},
                )
            seen[key] = item.code
            rows.append(
                CIUniqueValue(
                    ci_class_id=attribute.ci_class_id, attribute=attribute, value=key, item=item
                )
            )
        CIUniqueValue.objects.bulk_create(rows, batch_size=1000)
    return attribute
