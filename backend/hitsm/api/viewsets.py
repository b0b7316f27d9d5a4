"""Base viewsets: every object endpoint is scoped and checked by its model's policy."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from rest_framework import status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

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


class FreshWriteMixin:
    """Create and update answer with the saved object as a read would show it (issue 12).

    The response of ``ModelViewSet.create``/``update`` serializes the instance the write saved:
    it lacks the annotations of ``get_base_queryset`` (``item_count`` ...) and, on PATCH, the
    partial serializer skips read-only fields whose source is missing (``published.version``
    of an unpublished form), so the body broke the schema's required fields. Here the object
    is loaded again through ``get_queryset()`` and serialized in full. If the write moved it out
    of the caller's scope, the written representation is returned as before."""

    def _fresh_data(self, serializer: Any) -> Any:
        queryset = self.get_queryset()  # type: ignore[attr-defined]
        instance = queryset.filter(pk=serializer.instance.pk).first()
        if instance is None:
            return serializer.data
        return self.get_serializer(instance).data  # type: ignore[attr-defined]

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)  # type: ignore[attr-defined]
        serializer.is_valid(raise_exception=True)
        self.perform_create(serializer)  # type: ignore[attr-defined]
        data = self._fresh_data(serializer)
        headers = self.get_success_headers(data)  # type: ignore[attr-defined]
        return Response(data, status=status.HTTP_201_CREATED, headers=headers)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        partial = kwargs.pop("partial", False)
        instance = self.get_object()  # type: ignore[attr-defined]
        serializer = self.get_serializer(  # type: ignore[attr-defined]
            instance, data=request.data, partial=partial
        )
        serializer.is_valid(raise_exception=True)
        self.perform_update(serializer)  # type: ignore[attr-defined]
        return Response(self._fresh_data(serializer))


class PolicyReadOnlyViewSet(PolicyMixin, viewsets.ReadOnlyModelViewSet):
    pass


class PolicyModelViewSet(PolicyMixin, FreshWriteMixin, viewsets.ModelViewSet):
    pass
