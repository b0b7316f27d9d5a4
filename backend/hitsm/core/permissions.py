"""Per-object permissions, one policy per model, used by every API viewset.

A policy answers two questions: which rows a user may see at all (``scope``; rows outside it
are a 404, so their existence does not leak) and whether the user may perform an action on a
row they can see (``can``; a refusal is a 403).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Model, QuerySet
from rest_framework.permissions import BasePermission

if TYPE_CHECKING:
    from rest_framework.request import Request
    from rest_framework.views import APIView


class Policy:
    def scope(self, user: Any, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.none()

    def can_list(self, user: Any) -> bool:
        return False

    def can_create(self, user: Any) -> bool:
        return False

    def can(self, user: Any, action: str, obj: Model) -> bool:
        return False


class PolicyPermission(BasePermission):
    """DRF permission that asks the view's ``policy``."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        policy: Policy = view.policy  # type: ignore[attr-defined]
        action = getattr(view, "action", None)
        if action == "create":
            return policy.can_create(request.user)
        if action == "list" or getattr(view, "detail", None) is False:
            # The list and every other collection route (export, counts, templates, bulk):
            # they answer about the whole collection, so they need whatever the list needs.
            return policy.can_list(request.user)
        return True

    def has_object_permission(self, request: Request, view: APIView, obj: Model) -> bool:
        policy: Policy = view.policy  # type: ignore[attr-defined]
        return policy.can(request.user, getattr(view, "action", None) or "retrieve", obj)
