"""Reading the CMDB: who may see and change what, and walks over the relation graph.

Relations read "source depends on target". Walking *up* (from targets to sources) answers "what
does a failure of this CI hurt" (impact analysis); walking *down* answers "what does this
business activity depend on". Walks are recursive CTEs, so one query answers them on SQLite and
PostgreSQL alike; each node is reported once, at its shortest distance.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any, Literal

from django.db import connection
from django.db.models import QuerySet

from hitsm.accounts.roles import IT_STAFF, Role, has_role
from hitsm.cmdb.graph import graph_snapshot
from hitsm.cmdb.models import CIClass, ConfigurationItem, ObashiLayer, Relation, RelationType
from hitsm.core.permissions import Policy

Direction = Literal["up", "down"]
MAX_DEPTH = 12
DIAGRAM_NODE_LIMIT = 400
CMDB_WRITERS = (Role.ADMIN, Role.SYSADMIN, Role.ENGINEER)
READ_ACTIONS = frozenset({"retrieve", "impact", "dependencies", "diagram", "relations", "history"})


class CMDBItemPolicy(Policy):
    """IT staff read the CMDB; engineers, system administrators and admins maintain it."""

    def scope(self, user: Any, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset if has_role(user, *IT_STAFF) else queryset.none()

    def can_list(self, user: Any) -> bool:
        return has_role(user, *IT_STAFF)

    def can_create(self, user: Any) -> bool:
        return has_role(user, *CMDB_WRITERS)

    def can(self, user: Any, action: str, obj: Any) -> bool:
        if action in READ_ACTIONS:
            return has_role(user, *IT_STAFF)
        if action == "destroy" and isinstance(obj, ConfigurationItem):
            return has_role(user, Role.ADMIN, Role.SYSADMIN)
        return has_role(user, *CMDB_WRITERS)


class CMDBSchemaPolicy(Policy):
    """Classes, attributes and relation types: IT staff read them, admins define them."""

    def scope(self, user: Any, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset if has_role(user, *IT_STAFF) else queryset.none()

    def can_list(self, user: Any) -> bool:
        return has_role(user, *IT_STAFF)

    def can_create(self, user: Any) -> bool:
        return has_role(user, Role.ADMIN)

    def can(self, user: Any, action: str, obj: Any) -> bool:
        return action == "retrieve" or has_role(user, Role.ADMIN)


def _tables() -> dict[str, str]:
    return {
        "rel": Relation._meta.db_table,
        "type": RelationType._meta.db_table,
        "ci": ConfigurationItem._meta.db_table,
        "cls": CIClass._meta.db_table,
    }


def graph_reaches(*, start: int, goal: int) -> bool:
    """Does ``start`` depend, through acyclic relation types, on ``goal``?"""
    sql = """
        WITH RECURSIVE reach(id) AS (
            SELECT id FROM {ci} WHERE id = %s
            UNION
            SELECT r.target_id FROM {rel} r
            JOIN reach ON r.source_id = reach.id
            JOIN {type} t ON t.id = r.type_id
            WHERE t.acyclic = %s
        )
        SELECT 1 FROM reach WHERE id = %s LIMIT 1
    """.format(**_tables())  # noqa: S608 (names come from model metadata and constants)
    with connection.cursor() as cursor:
        cursor.execute(sql, [start, True, goal])
        return cursor.fetchone() is not None


def graph_walk(
    start_ids: list[int],
    *,
    direction: Direction,
    max_depth: int = MAX_DEPTH,
    impacting_only: bool = True,
) -> dict[int, int]:
    """Every CI reachable from ``start_ids`` (included at depth 0) with its shortest distance."""
    if not start_ids:
        return {}
    here, there = ("target_id", "source_id") if direction == "up" else ("source_id", "target_id")
    type_filter = "AND t.propagates_impact = %s" if impacting_only else ""
    placeholders = ", ".join(["%s"] * len(start_ids))
    sql = f"""
        WITH RECURSIVE walk(id, depth) AS (
            SELECT id, 0 FROM {{ci}} WHERE id IN ({placeholders})
            UNION
            SELECT r.{there}, w.depth + 1 FROM walk w
            JOIN {{rel}} r ON r.{here} = w.id
            JOIN {{type}} t ON t.id = r.type_id {type_filter}
            WHERE w.depth < %s
        )
        SELECT id, MIN(depth) FROM walk GROUP BY id
    """.format(**_tables())  # noqa: S608 (names come from model metadata and constants)
    params: list[Any] = [*start_ids]
    if impacting_only:
        params.append(True)
    params.append(max_depth)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {row[0]: row[1] for row in cursor.fetchall()}


def _brief(item: ConfigurationItem, depth: int | None = None) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": item.pk,
        "code": item.code,
        "name": item.name,
        "status": item.status,
        "class_code": item.ci_class.code,
        "class_name": item.ci_class.name,
        "layer": item.ci_class.layer,
        "icon": item.ci_class.icon,
        "clinical_critical": item.clinical_critical,
        "owner_department": (
            {"id": item.owner_department_id, "name": item.owner_department.name}
            if item.owner_department_id and item.owner_department
            else None
        ),
    }
    data["depth"] = depth
    return data


def _items(ids: list[int]) -> QuerySet[ConfigurationItem]:
    return ConfigurationItem.objects.filter(pk__in=ids).select_related(
        "ci_class", "owner_department"
    )


BRIEF_FIELDS = (
    "id",
    "code",
    "name",
    "status",
    "clinical_critical",
    "owner_department_id",
    "owner_department__name",
    "ci_class__code",
    "ci_class__name",
    "ci_class__layer",
    "ci_class__icon",
    "ci_class__sort_order",
)


def _brief_rows(ids: list[int]) -> list[dict[str, Any]]:
    """``_brief`` dicts straight from ``values()``: thousands of rows without model instances."""
    rows: list[dict[str, Any]] = []
    for offset in range(0, len(ids), 2000):  # SQLite limits parameters per statement
        for row in ConfigurationItem.objects.filter(pk__in=ids[offset : offset + 2000]).values(
            *BRIEF_FIELDS
        ):
            department = row["owner_department_id"]
            rows.append(
                {
                    "id": row["id"],
                    "code": row["code"],
                    "name": row["name"],
                    "status": row["status"],
                    "class_code": row["ci_class__code"],
                    "class_name": row["ci_class__name"],
                    "layer": row["ci_class__layer"],
                    "icon": row["ci_class__icon"],
                    "clinical_critical": row["clinical_critical"],
                    "owner_department": (
                        {"id": department, "name": row["owner_department__name"]}
                        if department
                        else None
                    ),
                    "depth": None,
                    "_sort": row["ci_class__sort_order"],
                }
            )
    return rows


TOP_LAYERS = (ObashiLayer.OWNERSHIP, ObashiLayer.BUSINESS, ObashiLayer.APPLICATION)
LIST_LIMIT = 500


def impact_analysis(item: ConfigurationItem) -> dict[str, Any]:
    """What a failure of ``item`` hurts: every CI that depends on it, summarised by layer, with
    the business activities, applications and owners listed (up to 500 each, clinical first),
    the departments owning any of them, and the data flows into and out of the affected
    applications."""
    snapshot = graph_snapshot()
    reached = snapshot.reach(item.pk, "up")
    layers = snapshot.layer
    by_layer = Counter(layers.get(pk, "") for pk in reached)
    top = _brief_rows([pk for pk in reached if layers.get(pk) in TOP_LAYERS])
    top.sort(key=lambda row: (not row["clinical_critical"], row["name"]))
    grouped: dict[str, list[dict[str, Any]]] = {layer: [] for layer in TOP_LAYERS}
    departments: dict[int, str] = {}
    for row in top:
        row.pop("_sort")
        if len(grouped[row["layer"]]) < LIST_LIMIT:
            grouped[row["layer"]].append(row)
        if row["owner_department"]:
            departments[row["owner_department"]["id"]] = row["owner_department"]["name"]
    applications = {row["id"] for row in top if row["layer"] == ObashiLayer.APPLICATION}
    if item.ci_class.layer == ObashiLayer.APPLICATION:
        applications.add(item.pk)
    flow_ids = [
        pk
        for pk, source, target in snapshot.flows
        if source in applications or target in applications
    ]
    return {
        "item": _brief(item),
        "total": len(reached),
        "by_layer": dict(by_layer),
        "clinical_critical": item.clinical_critical or any(row["clinical_critical"] for row in top),
        "business_activities": grouped[ObashiLayer.BUSINESS],
        "applications": grouped[ObashiLayer.APPLICATION],
        "owners": grouped[ObashiLayer.OWNERSHIP],
        "departments": [
            {"id": pk, "name": name} for pk, name in sorted(departments.items(), key=lambda d: d[1])
        ],
        "data_flows": _flows(flow_ids[:FLOW_LIMIT]),
    }


FLOW_LIMIT = 200


def _flows(flow_ids: list[int]) -> list[dict[str, Any]]:
    rows = Relation.objects.filter(pk__in=flow_ids).select_related("source", "target", "data_set")
    return [
        {
            "id": flow.pk,
            "source": {"id": flow.source_id, "name": flow.source.name},
            "target": {"id": flow.target_id, "name": flow.target.name},
            "data_set": (
                {"id": flow.data_set_id, "name": flow.data_set.name} if flow.data_set else None
            ),
        }
        for flow in rows.order_by("source__name", "target__name")
    ]


def data_flows_touching(application_ids: list[int]) -> list[dict[str, Any]]:
    wanted = set(application_ids)
    flow_ids = [
        pk for pk, source, target in graph_snapshot().flows if source in wanted or target in wanted
    ]
    return _flows(flow_ids[:FLOW_LIMIT])


def dependencies(item: ConfigurationItem, limit: int = 1000) -> dict[str, Any]:
    """Every CI that ``item`` (typically a business activity or an application) depends on,
    listed from the top layer down (up to ``limit``)."""
    snapshot = graph_snapshot()
    reached = snapshot.reach(item.pk, "down")
    order = {layer: n for n, layer in enumerate(ObashiLayer.values)}
    ranked = sorted(reached, key=lambda pk: order.get(snapshot.layer.get(pk, ""), 99))
    listed = _brief_rows(ranked[:limit])
    listed.sort(key=lambda row: (order.get(row["layer"], 99), row["_sort"], row["name"]))
    for row in listed:
        row.pop("_sort")
    return {
        "item": _brief(item),
        "total": len(reached),
        "by_layer": dict(Counter(snapshot.layer.get(pk, "") for pk in reached)),
        "items": listed,
        "truncated": len(reached) > limit,
    }


@dataclass(frozen=True)
class Diagram:
    nodes: list[dict[str, Any]]
    edges: list[dict[str, Any]]
    truncated: bool


def diagram(
    root: ConfigurationItem, *, depth: int = 2, direction: Literal["up", "down", "both"] = "down"
) -> Diagram:
    """The OBASHI Business & IT diagram around ``root``: the CIs within ``depth`` relations in
    the chosen direction, every relation among them, and the data flows of their applications."""
    depth = max(1, min(depth, 6))
    reached: dict[int, int] = {root.pk: 0}
    for way in ("down", "up") if direction == "both" else (direction,):
        for pk, distance in graph_walk(
            [root.pk], direction=way, max_depth=depth, impacting_only=False
        ).items():
            reached[pk] = min(distance, reached.get(pk, distance))
    ordered = sorted(reached, key=lambda pk: reached[pk])
    truncated = len(ordered) > DIAGRAM_NODE_LIMIT
    node_ids = set(ordered[:DIAGRAM_NODE_LIMIT])
    items = {ci.pk: ci for ci in _items(list(node_ids))}
    app_ids = [pk for pk, ci in items.items() if ci.ci_class.layer == ObashiLayer.APPLICATION]
    # data flows of the applications shown bring their partner applications into the picture
    for flow in data_flows_touching(app_ids):
        for end in (flow["source"]["id"], flow["target"]["id"]):
            if end not in node_ids and len(node_ids) < DIAGRAM_NODE_LIMIT:
                node_ids.add(end)
    missing = [pk for pk in node_ids if pk not in items]
    items.update({ci.pk: ci for ci in _items(missing)})
    relations = Relation.objects.filter(
        source_id__in=list(node_ids), target_id__in=list(node_ids)
    ).select_related("type", "data_set")
    edges = [
        {
            "id": relation.pk,
            "source": relation.source_id,
            "target": relation.target_id,
            "type": relation.type.code,
            "type_name": relation.type.name,
            "data_flow": relation.type.is_data_flow,
            "data_set": relation.data_set.name if relation.data_set else None,
        }
        for relation in relations
    ]
    nodes = [
        _brief(ci, reached.get(ci.pk))
        for ci in sorted(items.values(), key=lambda ci: (ci.ci_class.sort_order, ci.name))
    ]
    return Diagram(nodes=nodes, edges=edges, truncated=truncated)
