"""Keep the in-memory impact graph honest: anything that changes it sets a new token."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save, pre_save

from hitsm.cmdb.graph import graph_changed
from hitsm.cmdb.models import CIClass, ConfigurationItem, Relation, RelationType


def _changed(sender: Any, raw: bool = False, **kwargs: Any) -> None:
    if not raw:
        graph_changed()


def _item_saving(
    sender: Any, instance: ConfigurationItem, raw: bool = False, **kwargs: Any
) -> None:
    # the change log's pre_save has just read the row as stored; only existence and class
    # (layer) matter to the graph, not names or attributes
    before = getattr(instance, "_changelog_before", None)
    instance._graph_changed = before is None or before.get("ci_class_id") != instance.ci_class_id  # type: ignore[attr-defined]


def _item_saved(
    sender: Any, instance: ConfigurationItem, created: bool, raw: bool = False, **kwargs: Any
) -> None:
    if not raw and (created or getattr(instance, "_graph_changed", True)):
        graph_changed()


for model in (Relation, RelationType, CIClass):
    post_save.connect(_changed, sender=model, dispatch_uid=f"cmdb-graph-save-{model.__name__}")
    post_delete.connect(_changed, sender=model, dispatch_uid=f"cmdb-graph-delete-{model.__name__}")
pre_save.connect(_item_saving, sender=ConfigurationItem, dispatch_uid="cmdb-graph-item-saving")
post_save.connect(_item_saved, sender=ConfigurationItem, dispatch_uid="cmdb-graph-item-save")
post_delete.connect(_changed, sender=ConfigurationItem, dispatch_uid="cmdb-graph-item-delete")
