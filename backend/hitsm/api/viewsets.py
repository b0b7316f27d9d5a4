"""Base viewsets: every object endpoint is scoped and checked by its model's policy."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from rest_framework import viewsets

from hitsm.core.permissions import Policy, PolicyPermission


class PolicyMixin:
    policy: Policy
    request: Any

    def get_base_queryset(self) -> QuerySet[Any]:
        """The selector behind the endpoint (select_related etc.), before row scoping."""
        return super().get_queryset()  # type: ignore[misc]

    def get_queryset(self) -> QuerySet[Any]:
        queryset = self.get_base_queryset()
        if getattr(self, "swagger_fake_view", False):  # schema generation has no real user
            return queryset.none()
        return self.policy.scope(self.request.user, queryset)

    def get_permissions(self) -> list[Any]:
        return [*super().get_permissions(), PolicyPermission()]  # type: ignore[misc]


class PolicyReadOnlyViewSet(PolicyMixin, viewsets.ReadOnlyModelViewSet):
    pass


class PolicyModelViewSet(PolicyMixin, viewsets.ModelViewSet):
    pass
