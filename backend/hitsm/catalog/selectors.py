"""Reading the catalog: who sees which item, the menu, NFR totals, form answers for display."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum

from hitsm.accounts.models import Department, User
from hitsm.accounts.roles import IT_STAFF, Role, has_role, user_roles
from hitsm.accounts.selectors import department_ancestor_ids
from hitsm.catalog import formschema
from hitsm.catalog.models import (
    ActivityPattern,
    CatalogFavourite,
    CatalogItem,
    CatalogUsage,
    FormVersion,
    NfrRecord,
)
from hitsm.cmdb.models import ConfigurationItem
from hitsm.core.permissions import Policy

# Who keeps the catalog: managers may look at everything, admins change it.
CATALOG_EDITORS = frozenset({Role.ADMIN})
CATALOG_READERS = frozenset({Role.ADMIN, Role.MANAGER})


def visible_item_ids(user: Any) -> set[int]:
    """Ids of the active items in active menus that the user's department (or a parent of it,
    such as the campus) and roles may see. Empty visibility lists mean everyone.

    A hospital has hundreds of items, not millions: the rules are read in two queries and
    matched here, the same way on SQLite and PostgreSQL."""
    department_id = getattr(user, "department_id", None)
    departments = (
        {department_id} | department_ancestor_ids(department_id) if department_id else set()
    )
    roles = user_roles(user)
    rows = CatalogItem.objects.filter(is_active=True, category__is_active=True).values_list(
        "id", "roles"
    )
    limits: dict[int, set[int]] = {}
    for item_id, department in CatalogItem.departments.through.objects.values_list(
        "catalogitem_id", "department_id"
    ):
        limits.setdefault(item_id, set()).add(department)
    return {
        item_id
        for item_id, item_roles in rows
        if (not item_roles or roles & set(item_roles))
        and (item_id not in limits or limits[item_id] & departments)
    }


def items_visible_to(user: Any, queryset: QuerySet[Any] | None = None) -> QuerySet[Any]:
    queryset = queryset if queryset is not None else CatalogItem.objects.all()
    return queryset.filter(pk__in=visible_item_ids(user))


def item_visible_to(item: CatalogItem, user: Any) -> bool:
    return item.pk in visible_item_ids(user)


class CatalogItemPolicy(Policy):
    """Everyone lists the items they may submit; IT staff see every item (they submit on behalf
    of others); admins define them."""

    def scope(self, user: Any, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if has_role(user, *IT_STAFF):
            return queryset
        return items_visible_to(user, queryset)

    def can_list(self, user: Any) -> bool:
        return bool(user and user.is_authenticated)

    def can_create(self, user: Any) -> bool:
        return has_role(user, *CATALOG_EDITORS)

    def can(self, user: Any, action: str, obj: Any) -> bool:
        if action in ("retrieve", "form", "favourite", "expectations", "assistant"):
            return True
        return has_role(user, *CATALOG_EDITORS)


class CatalogConfigPolicy(Policy):
    """Menu categories, forms, NFR and PBA records: admins write, the IT manager reads, and
    menu categories are readable by everyone (they head the menu)."""

    def __init__(self, *, public_read: bool = False, readers: frozenset[str] | None = None):
        self.public_read = public_read
        self.readers = readers or CATALOG_READERS

    def scope(self, user: Any, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.public_read or has_role(user, *self.readers):
            return queryset
        return queryset.none()

    def can_list(self, user: Any) -> bool:
        return self.public_read or has_role(user, *self.readers)

    def can_create(self, user: Any) -> bool:
        return has_role(user, *CATALOG_EDITORS)

    def can(self, user: Any, action: str, obj: Any) -> bool:
        if action in ("retrieve", "versions"):
            return self.public_read or has_role(user, *self.readers)
        return has_role(user, *CATALOG_EDITORS)


# --- the menu ---------------------------------------------------------------------------------


def item_search(queryset: QuerySet[Any], q: str) -> QuerySet[Any]:
    for word in q.split():
        queryset = queryset.filter(
            Q(name__icontains=word)
            | Q(keywords__icontains=word)
            | Q(description__icontains=word)
            | Q(category__name__icontains=word)
        )
    return queryset


def menu_for(user: User, *, q: str = "") -> dict[str, Any]:
    """The user's service menu: their favourites, what they use most, and every visible item
    under its category (categories in menu order)."""
    queryset = items_visible_to(user).select_related("category", "form__published")
    if q.strip():
        queryset = item_search(queryset, q.strip())
    items = list(queryset.order_by("category__sort_order", "category_id", "sort_order", "id"))
    favourite_ids = set(
        CatalogFavourite.objects.filter(user=user).values_list("item_id", flat=True)
    )
    usage = dict(
        CatalogUsage.objects.filter(user=user)
        .order_by("-count", "-last_used_at")
        .values_list("item_id", "count")[:50]
    )
    categories: dict[int, dict[str, Any]] = {}
    for item in items:
        category = categories.setdefault(
            item.category_id,
            {
                "id": item.category_id,
                "name": item.category.name,
                "icon": item.category.icon,
                "description": item.category.description,
                "items": [],
            },
        )
        category["items"].append(item)
    by_id = {item.pk: item for item in items}
    frequent = [by_id[i] for i in usage if i in by_id][:8]
    return {
        "favourites": [item for item in items if item.pk in favourite_ids],
        "frequent": frequent,
        "categories": list(categories.values()),
        "favourite_ids": favourite_ids,
        "usage": usage,
    }


# --- form answers for display ----------------------------------------------------------------


def reference_names(
    wanted: Mapping[str, set[int]], *, ci_class: str = ""
) -> dict[str, dict[int, str]]:
    """Names of the users, departments and CIs a form refers to, one query per kind."""
    names: dict[str, dict[int, str]] = {}
    if wanted.get("users"):
        names["users"] = {
            pk: (display or username)
            for pk, display, username in User.objects.filter(pk__in=wanted["users"]).values_list(
                "pk", "display_name", "username"
            )
        }
    if wanted.get("departments"):
        names["departments"] = dict(
            Department.objects.filter(pk__in=wanted["departments"]).values_list("pk", "name")
        )
    if wanted.get("cis"):
        names["cis"] = dict(
            ConfigurationItem.objects.filter(pk__in=wanted["cis"]).values_list("pk", "name")
        )
    return names


def form_answers(version: FormVersion | None, data: Mapping[str, Any]) -> list[dict[str, Any]]:
    if version is None or not data:
        return []
    names = reference_names(formschema.references_of(version.schema, data))
    return formschema.form_display(version.schema, data, names)


def references_resolve(kind: str, ids: set[int], spec: Mapping[str, Any]) -> dict[int, str]:
    """The ids among ``ids`` that a form field may point at (active users, departments, CIs of
    the field's class), for :func:`hitsm.catalog.formschema.form_validate`."""
    if kind == "users":
        return dict(User.objects.filter(pk__in=ids, is_active=True).values_list("pk", "username"))
    if kind == "departments":
        return dict(Department.objects.filter(pk__in=ids).values_list("pk", "name"))
    if kind == "cis":
        rows = ConfigurationItem.objects.filter(pk__in=ids)
        ci_class = (spec.get("source") or {}).get("ci_class")
        if ci_class:
            rows = rows.filter(ci_class__code=ci_class)
        return dict(rows.values_list("pk", "name"))
    return {}


# --- NFR and PBA ------------------------------------------------------------------------------

NFR_SUMMABLE = (
    "system_accounts",
    "concurrent_accounts",
    "yearly_storage_gb",
    "daily_growth_mb",
    "bandwidth_mbps",
)


@dataclass(frozen=True)
class NfrTotals:
    applications: int
    recorded: dict[str, int]
    totals: dict[str, Decimal | int]


def nfr_totals(queryset: QuerySet[NfrRecord] | None = None) -> NfrTotals:
    """Sums of the typed NFR values over the records (e.g. the yearly storage growth of every
    application: the input of the capacity baseline), and how many records gave each value."""
    queryset = queryset if queryset is not None else NfrRecord.objects.all()
    sums = queryset.aggregate(
        applications=Count("id"),
        **{f"sum_{name}": Sum(name) for name in NFR_SUMMABLE},
        **{f"n_{name}": Count(name) for name in NFR_SUMMABLE},
    )
    return NfrTotals(
        applications=sums["applications"],
        recorded={name: sums[f"n_{name}"] for name in NFR_SUMMABLE},
        totals={name: sums[f"sum_{name}"] or 0 for name in NFR_SUMMABLE},
    )


def patterns_for_applications(ci_ids: set[int]) -> QuerySet[ActivityPattern]:
    return (
        ActivityPattern.objects.filter(applications__in=ci_ids)
        .distinct()
        .prefetch_related("activities", "applications", "stakeholders__department")
    )
