from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from rest_framework import serializers

from hitsm.sla.calendar import format_hours, parse_hours
from hitsm.sla.models import (
    BusinessCalendar,
    CalendarDay,
    EscalationAudience,
    EscalationRule,
    Priority,
    PublicHoliday,
    SlaPolicy,
    SlaTarget,
)


class CalendarDaySerializer(serializers.ModelSerializer[CalendarDay]):
    class Meta:
        model = CalendarDay
        fields = ("id", "calendar", "date", "kind", "name")


class PublicHolidaySerializer(serializers.ModelSerializer[PublicHoliday]):
    class Meta:
        model = PublicHoliday
        fields = ("id", "date", "kind", "name", "source")
        read_only_fields = ("source",)


class BusinessCalendarSerializer(serializers.ModelSerializer[BusinessCalendar]):
    hours = serializers.DictField(
        child=serializers.CharField(allow_blank=True),
        required=False,
        help_text='weekday 0 (Monday) … 6 → "08:00-12:00,13:00-17:00"; "" or missing = closed',
    )
    days = CalendarDaySerializer(many=True, read_only=True)

    class Meta:
        model = BusinessCalendar
        fields = (
            "id",
            "code",
            "name",
            "description",
            "timezone",
            "always_open",
            "observes_public_holidays",
            "hours",
            "days",
        )

    def validate_hours(self, value: dict[str, str]) -> dict[str, str]:
        clean: dict[str, str] = {}
        errors: dict[str, str] = {}
        for day, text in value.items():
            if day not in {str(d) for d in range(7)}:
                errors[day] = _("星期只能是 0（周一）到 6（周日）")
                continue
            try:
                clean[day] = format_hours(parse_hours(text))
            except ValueError as exc:
                errors[day] = str(exc)
        if errors:
            raise serializers.ValidationError(errors)
        return clean

    def validate_timezone(self, value: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise serializers.ValidationError(_("未知的时区")) from None
        return value


# A target longer than a year of business time is a typo, and would overflow date arithmetic.
MAX_TARGET_MINUTES = 365 * 24 * 60


class SlaTargetSerializer(serializers.ModelSerializer[SlaTarget]):
    response_minutes = serializers.IntegerField(min_value=1, max_value=MAX_TARGET_MINUTES)
    resolution_minutes = serializers.IntegerField(min_value=1, max_value=MAX_TARGET_MINUTES)

    class Meta:
        model = SlaTarget
        fields = ("id", "priority", "response_minutes", "resolution_minutes")


class EscalationRuleSerializer(serializers.ModelSerializer[EscalationRule]):
    notify = serializers.ListField(
        child=serializers.ChoiceField(choices=EscalationAudience.choices), allow_empty=False
    )
    priorities = serializers.ListField(
        child=serializers.ChoiceField(choices=Priority.choices), required=False
    )

    class Meta:
        model = EscalationRule
        fields = (
            "id",
            "policy",
            "metric",
            "level",
            "priorities",
            "at_percent",
            "after_minutes",
            "notify",
            "raise_priority",
            "reassign",
            "reassign_group",
        )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        percent = attrs.get("at_percent", getattr(self.instance, "at_percent", None))
        minutes = attrs.get("after_minutes", getattr(self.instance, "after_minutes", None))
        if percent is None and minutes is None:
            raise serializers.ValidationError(
                {"at_percent": [_("请填写百分比或工作分钟数（至少一项）")]}
            )
        reassign = attrs.get("reassign", getattr(self.instance, "reassign", ""))
        group = attrs.get("reassign_group", getattr(self.instance, "reassign_group", None))
        if reassign == "group" and group is None:
            raise serializers.ValidationError({"reassign_group": [_("请选择转派到的支持组")]})
        if reassign != "group":
            attrs["reassign_group"] = None
        return attrs


class SlaPolicySerializer(serializers.ModelSerializer[SlaPolicy]):
    targets = SlaTargetSerializer(many=True)
    escalations = EscalationRuleSerializer(many=True, read_only=True)
    priorities = serializers.ListField(
        child=serializers.ChoiceField(choices=Priority.choices), required=False
    )
    pause_statuses = serializers.ListField(
        child=serializers.ChoiceField(choices=["new", "accepted", "assigned", "pending"]),
        required=False,
    )
    warn_percents = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=99), required=False
    )

    class Meta:
        model = SlaPolicy
        fields = (
            "id",
            "code",
            "name",
            "description",
            "order",
            "is_active",
            "calendar",
            "kind",
            "priorities",
            "departments",
            "catalog_items",
            "clinical_critical_only",
            "pause_statuses",
            "warn_percents",
            "targets",
            "escalations",
        )

    def validate_targets(self, value: list[dict[str, Any]]) -> list[dict[str, Any]]:
        priorities = [row["priority"] for row in value]
        if len(priorities) != len(set(priorities)):
            raise serializers.ValidationError(_("每个优先级只能有一组时限"))
        for row in value:
            if "resolution_minutes" not in row or "response_minutes" not in row:
                raise serializers.ValidationError(_("每组时限都要填写响应和解决时限"))
            if row["resolution_minutes"] < row["response_minutes"]:
                raise serializers.ValidationError(
                    _("P%(p)d 的解决时限不能短于响应时限") % {"p": row["priority"]}
                )
        return value
