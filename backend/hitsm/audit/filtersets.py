from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django_filters import rest_framework as filters

from hitsm.accounts.models import FAILED_LOGIN_EVENT_KINDS, LoginEvent, LoginEventKind
from hitsm.audit.choices import AuditResult
from hitsm.core.models import ChangeAction, ChangeLog


class IPFilter(filters.Filter):
    """An exact address; anything else is a 400, not a database error on PostgreSQL's inet."""

    field_class = forms.GenericIPAddressField


class AuditChangeFilter(filters.FilterSet):
    time_after = filters.IsoDateTimeFilter(field_name="time", lookup_expr="gte")
    time_before = filters.IsoDateTimeFilter(field_name="time", lookup_expr="lt")
    actor = filters.CharFilter(field_name="actor_label", help_text="username (or system actor)")
    action = filters.ChoiceFilter(choices=ChangeAction.choices)
    object_type = filters.CharFilter(method="filter_object_type", help_text="app_label.model")
    object_id = filters.CharFilter()
    request_id = filters.CharFilter()
    ip = IPFilter(field_name="ip_address")
    # Every recorded change was committed (a refused one rolls back with its row): "failure"
    # finds nothing here; refused sign-ins are in the login log.
    result = filters.ChoiceFilter(choices=AuditResult.choices, method="filter_result")

    class Meta:
        model = ChangeLog
        fields: list[str] = []

    def filter_result(
        self, queryset: QuerySet[ChangeLog], name: str, value: str
    ) -> QuerySet[ChangeLog]:
        return queryset.none() if value == AuditResult.FAILURE else queryset

    def filter_object_type(
        self, queryset: QuerySet[ChangeLog], name: str, value: str
    ) -> QuerySet[ChangeLog]:
        app_label, _, model = value.lower().partition(".")
        return queryset.filter(content_type__app_label=app_label, content_type__model=model)


class AuditLoginFilter(filters.FilterSet):
    time_after = filters.IsoDateTimeFilter(field_name="time", lookup_expr="gte")
    time_before = filters.IsoDateTimeFilter(field_name="time", lookup_expr="lt")
    actor = filters.CharFilter(field_name="username", help_text="username")
    kind = filters.ChoiceFilter(choices=LoginEventKind.choices)
    result = filters.ChoiceFilter(choices=AuditResult.choices, method="filter_result")
    ip = IPFilter(field_name="ip_address")

    class Meta:
        model = LoginEvent
        fields: list[str] = []

    def filter_result(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        failed = Q(kind__in=FAILED_LOGIN_EVENT_KINDS)
        return queryset.filter(failed if value == AuditResult.FAILURE else ~failed)
