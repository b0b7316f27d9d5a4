"""Reads for users and departments, with row-level scoping in the policies."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet

from hitsm.accounts.models import Department, User
from hitsm.accounts.roles import IT_STAFF, Role, has_role
from hitsm.core.permissions import Policy


def signed_in_user(request: Any) -> User:
    """The authenticated user of a DRF request (views behind IsAuthenticated)."""
    user = request.user
    if not isinstance(user, User):
        raise TypeError("view reached without an authenticated user")
    return user


def department_full_names() -> dict[int, str]:
    """``{id: "总院区 / 门诊部"}`` for every department, computed in one query."""
    rows = {d["id"]: d for d in Department.objects.values("id", "name", "parent_id")}
    names: dict[int, str] = {}

    def full(pk: int, depth: int = 0) -> str:
        if pk in names:
            return names[pk]
        row = rows[pk]
        parent = row["parent_id"]
        text = (
            row["name"]
            if parent is None or depth > 20
            else f"{full(parent, depth + 1)} / {row['name']}"
        )
        names[pk] = text
        return text

    for pk in rows:
        full(pk)
    return names


def department_list() -> QuerySet[Department]:
    return Department.objects.select_related("head", "parent").annotate(
        user_count=Count("members", filter=Q(members__is_active=True))
    )


def department_tree() -> list[dict[str, Any]]:
    nodes: dict[int, dict[str, Any]] = {}
    roots: list[dict[str, Any]] = []
    departments = Department.objects.filter(is_active=True).order_by("sort_order", "name")
    for dep in departments:
        nodes[dep.pk] = {
            "id": dep.pk,
            "name": dep.name,
            "code": dep.code,
            "kind": dep.kind,
            "parent": dep.parent_id,
            "children": [],
        }
    for node in nodes.values():
        parent = nodes.get(node["parent"]) if node["parent"] else None
        (parent["children"] if parent else roots).append(node)
    return roots


def department_descendant_ids(department_id: int) -> set[int]:
    children: dict[int | None, list[int]] = {}
    for pk, parent in Department.objects.values_list("id", "parent_id"):
        children.setdefault(parent, []).append(pk)
    found, stack = set(), [department_id]
    while stack:
        pk = stack.pop()
        if pk in found:
            continue
        found.add(pk)
        stack.extend(children.get(pk, []))
    return found


def department_ancestor_ids(department_id: int) -> set[int]:
    """The parents of a department up to the hospital (the department itself excluded);
    the parent map is cached per process (hitsm.core.refcache)."""
    from hitsm.core.refcache import cached

    parents: dict[int, int | None] = cached(
        "accounts.department_parents",
        lambda: dict(Department.objects.values_list("id", "parent_id")),
    )
    found: set[int] = set()
    node = parents.get(department_id)
    while node is not None and node not in found:
        found.add(node)
        node = parents.get(node)
    return found


def user_list() -> QuerySet[User]:
    return User.objects.select_related("department").prefetch_related("groups")


class DepartmentPolicy(Policy):
    """Every signed-in user may read the organisation tree; admins change it."""

    def scope(self, user: Any, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset

    def can_list(self, user: Any) -> bool:
        return bool(user.is_authenticated)

    def can_create(self, user: Any) -> bool:
        return has_role(user, Role.ADMIN)

    def can(self, user: Any, action: str, obj: Any) -> bool:
        if action in ("retrieve", "tree"):
            return True
        return has_role(user, Role.ADMIN)


# Who sees a person's full mobile number besides that person (docs/admin/security.md).
SENSITIVE_READERS = frozenset({Role.ADMIN, Role.SECURITY_OFFICER})


def user_reveals_sensitive(viewer: Any, user: User) -> bool:
    """The person themself, administrators and the security officer; masked for other readers."""
    if not getattr(viewer, "is_authenticated", False):
        return False
    return viewer.pk == user.pk or has_role(viewer, *SENSITIVE_READERS)


# Who looks accounts up: IT staff, and the security officer (to find and unlock locked ones).
USER_READERS = IT_STAFF | {Role.SECURITY_OFFICER}


class UserPolicy(Policy):
    """IT staff and the security officer look people up; admins change accounts; the security
    officer and admins lift lockouts; requesters (and auditors) see only themselves."""

    def scope(self, user: Any, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if has_role(user, *USER_READERS):
            return queryset
        return queryset.filter(pk=user.pk)

    def can_list(self, user: Any) -> bool:
        return has_role(user, *USER_READERS)

    def can_create(self, user: Any) -> bool:
        return has_role(user, Role.ADMIN)

    def can(self, user: Any, action: str, obj: Any) -> bool:
        if action == "retrieve":
            return has_role(user, *USER_READERS) or obj.pk == user.pk
        if action == "unlock":
            return has_role(user, Role.SECURITY_OFFICER, Role.ADMIN)
        return has_role(user, Role.ADMIN)
