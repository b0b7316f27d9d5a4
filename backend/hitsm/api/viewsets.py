"""Base viewsets: every object endpoint is scoped and checked by its model's policy."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from rest_framework import viewsets

from hitsm.core.permissions import Policy, PolicyPermission


class PolicyMixin:
    policy: Policy
    request: Any

    def get_queryset(self) -> QuerySet[Any]:
        queryset = super().get_queryset()  # type: ignore[misc]
        return self.policy.scope(self.request.user, queryset)

    def get_permissions(self) -> list[Any]:
        return [*super().get_permissions(), PolicyPermission()]  # type: ignore[misc]


class PolicyReadOnlyViewSet(PolicyMixin, viewsets.ReadOnlyModelViewSet):  # type: ignore[misc]
    pass


class PolicyModelViewSet(PolicyMixin, viewsets.ModelViewSet):  # type: ignore[misc]
    pass
