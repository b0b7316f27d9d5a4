"""Writing the catalog: forms and their versions, items, favourites, NFR and PBA records, and
checking a submission against an item's form."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from hitsm.accounts.models import Department, User
from hitsm.accounts.roles import Role
from hitsm.catalog import formschema
from hitsm.catalog.choices import WEEKDAYS, StakeholderRole
from hitsm.catalog.models import (
    ActivityPattern,
    CatalogFavourite,
    CatalogItem,
    CatalogUsage,
    Form,
    FormVersion,
    NfrRecord,
    Stakeholder,
)
from hitsm.catalog.selectors import item_visible_to, references_resolve
from hitsm.cmdb.models import ConfigurationItem
from hitsm.core.errors import Conflict, ValidationFailed

APPLICATION_CLASS = "application"
ACTIVITY_CLASS = "business_activity"
OBASHI_LAYERS = ("business", "data", "application")


# --- forms ------------------------------------------------------------------------------------


def _schema_or_fail(schema: Any, *, field: str = "draft_schema") -> dict[str, Any]:
    try:
        return formschema.schema_check(schema)
    except formschema.SchemaInvalid as invalid:
        raise ValidationFailed(
            _("表单定义有误"),
            fields={
                f"{field}.{path}" if path else field: messages
                for path, messages in invalid.problems.items()
            },
        ) from None


def form_save(*, form: Form) -> Form:
    form.draft_schema = _schema_or_fail(form.draft_schema or {"fields": []})
    form.full_clean(exclude=["published"])
    form.save()
    return form


@transaction.atomic
def form_publish(*, form: Form, actor: User | None, note: str = "") -> FormVersion:
    """Freeze the draft as the next version. The form row is locked, so two admins publishing
    at once get versions N and N+1, never two N."""
    given, form = form, Form.objects.select_for_update().get(pk=form.pk)
    schema = _schema_or_fail(form.draft_schema)
    if not schema["fields"]:
        raise ValidationFailed(_("表单还没有字段，不能发布"), code="empty_form")
    last = form.versions.aggregate(n=Max("version"))["n"] or 0
    if form.published_id and form.published and form.published.schema == schema:
        raise Conflict(_("草稿与当前发布版本相同，无需重新发布"), code="unchanged_form")
    version = FormVersion.objects.create(
        form=form, version=last + 1, schema=schema, note=note[:200], published_by=actor
    )
    form.published = given.published = version
    form.save(update_fields=["published", "updated_at"])
    return version


# --- items ------------------------------------------------------------------------------------


def item_save(
    *,
    item: CatalogItem,
    departments: Sequence[Department] | None = None,
    configuration_items: Sequence[ConfigurationItem] | None = None,
) -> CatalogItem:
    unknown = sorted(set(item.roles or []) - set(Role.values))
    if unknown:
        raise ValidationFailed(
            fields={"roles": [_("未知的角色：%(r)s") % {"r": "、".join(unknown)}]}
        )
    item.roles = sorted(set(item.roles or []))
    if configuration_items is not None:
        wrong = [ci.name for ci in configuration_items if ci.ci_class.layer not in OBASHI_LAYERS]
        if wrong:
            raise ValidationFailed(
                fields={
                    "configuration_items": [
                        _("服务项只关联业务活动、业务数据和应用系统：%(n)s")
                        % {"n": "、".join(wrong)}
                    ]
                }
            )
    with transaction.atomic():
        item.save()
        if departments is not None:
            item.departments.set(departments)
        if configuration_items is not None:
            item.configuration_items.set(configuration_items)
    return item


def favourite_set(*, user: User, item: CatalogItem, on: bool) -> None:
    if on:
        try:
            with transaction.atomic():
                CatalogFavourite.objects.get_or_create(user=user, item=item)
        except IntegrityError:  # a double click: the other request made it
            pass
    else:
        CatalogFavourite.objects.filter(user=user, item=item).delete()


def usage_record(*, user: User, item: CatalogItem) -> None:
    """Count a submission towards the user's "frequently used" row."""
    now = timezone.now()
    updated = CatalogUsage.objects.filter(user=user, item=item).update(
        count=F("count") + 1, last_used_at=now
    )
    if updated:
        return
    try:
        with transaction.atomic():
            CatalogUsage.objects.create(user=user, item=item, count=1, last_used_at=now)
    except IntegrityError:
        CatalogUsage.objects.filter(user=user, item=item).update(
            count=F("count") + 1, last_used_at=now
        )


# --- submissions -------------------------------------------------------------------------------


@dataclass
class CheckedSubmission:
    version: FormVersion | None
    data: dict[str, Any]
    files: dict[str, list[Any]]


def submission_check(
    *,
    item: CatalogItem,
    requester: User,
    form_data: Any,
    files: Mapping[str, list[Any]] | None = None,
) -> CheckedSubmission:
    """Is the item open to the requester, and does the submission fit its published form?

    Raises :class:`ValidationFailed` with field errors (``catalog_item``, ``form_data.<key>``)."""
    if not item.is_active or not item_visible_to(item, requester):
        raise ValidationFailed(fields={"catalog_item": [_("该服务项已停用或对报修人不可见")]})
    # Read afresh: an admin may have published a new version since the item was loaded.
    version = (
        FormVersion.objects.filter(form=item.form_id, pk=F("form__published")).first()
        if item.form_id
        else None
    )
    if version is None:
        if form_data or files:
            raise ValidationFailed(fields={"form_data": [_("该服务项没有表单")]})
        return CheckedSubmission(version=None, data={}, files={})
    submission = formschema.form_validate(
        version.schema, form_data, files=files, resolver=references_resolve
    )
    return CheckedSubmission(version=version, data=submission.data, files=submission.files)


def draft_check(*, form: Form, data: Any) -> dict[str, Any]:
    """Validate sample data against the draft, as the designer's preview does."""
    schema = _schema_or_fail(form.draft_schema)
    try:
        cleaned = formschema.form_validate(schema, data, resolver=references_resolve).data
    except ValidationFailed as failed:
        prefix = "form_data."
        return {
            "valid": False,
            "errors": {k.removeprefix(prefix): v for k, v in failed.fields.items()},
            "cleaned": {},
        }
    return {"valid": True, "errors": {}, "cleaned": cleaned}


# --- NFR --------------------------------------------------------------------------------------


def nfr_save(*, application: ConfigurationItem, values: Mapping[str, Any]) -> NfrRecord:
    if application.ci_class.code != APPLICATION_CLASS:
        raise ValidationFailed(fields={"application": [_("非功能性需求只记录在应用系统上")]})
    record = NfrRecord.objects.filter(application=application).first() or NfrRecord(
        application=application
    )
    for name, value in values.items():
        setattr(record, name, value)
    record.full_clean()
    record.save()
    return record


# --- PBA --------------------------------------------------------------------------------------

_RANGE = re.compile(r"^([01]\d|2[0-3]):[0-5]\d-(([01]\d|2[0-3]):[0-5]\d|24:00)$")
_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


def schedule_check(schedule: Any) -> dict[str, list[str]]:
    """``{"mon": ["07:30-12:00", "13:30-17:30"], …}``: known weekdays, ordered ranges."""
    problems: dict[str, list[str]] = {}
    if not isinstance(schedule, Mapping):
        return {"schedule": [_("业务日历须按星期填写")]}
    for day, ranges in schedule.items():
        if day not in WEEKDAYS:
            problems.setdefault("schedule", []).append(_("未知的星期：%(d)s") % {"d": day})
            continue
        if not isinstance(ranges, list):
            problems[f"schedule.{day}"] = [_("须为时段列表")]
            continue
        last_end = ""
        for text in ranges:
            if not isinstance(text, str) or not _RANGE.match(text):
                problems.setdefault(f"schedule.{day}", []).append(
                    _("时段格式应为 HH:MM-HH:MM：%(t)s") % {"t": text}
                )
                continue
            start, end = text.split("-")
            if end <= start or start < last_end:
                problems.setdefault(f"schedule.{day}", []).append(
                    _("时段须按时间先后排列且不重叠：%(t)s") % {"t": text}
                )
            last_end = end
    return problems


def peaks_check(peaks: Any) -> dict[str, list[str]]:
    problems: dict[str, list[str]] = {}
    if not isinstance(peaks, list):
        return {"peaks": [_("高峰时段须为列表")]}
    for index, peak in enumerate(peaks):
        where = f"peaks.{index}"
        if not isinstance(peak, Mapping):
            problems[where] = [_("高峰时段无效")]
            continue
        days = peak.get("days")
        if not isinstance(days, list) or not days or any(d not in WEEKDAYS for d in days):
            problems[f"{where}.days"] = [_("请选择星期")]
        start, end = peak.get("start"), peak.get("end")
        if not (isinstance(start, str) and _TIME.match(start)) or not (
            isinstance(end, str) and _TIME.match(end)
        ):
            problems[f"{where}.start"] = [_("时间格式应为 HH:MM")]
        elif end <= start:
            problems[f"{where}.end"] = [_("结束时间须晚于开始时间")]
        if len(str(peak.get("note") or "")) > 60:
            problems[f"{where}.note"] = [_("最多60个字符")]
    return problems


@transaction.atomic
def pattern_save(
    *,
    pattern: ActivityPattern,
    activities: Sequence[ConfigurationItem] | None = None,
    applications: Sequence[ConfigurationItem] | None = None,
    stakeholders: Sequence[Mapping[str, Any]] | None = None,
) -> ActivityPattern:
    problems = {**schedule_check(pattern.schedule), **peaks_check(pattern.peaks)}
    for field, items, code in (
        ("activities", activities, ACTIVITY_CLASS),
        ("applications", applications, APPLICATION_CLASS),
    ):
        wrong = [ci.name for ci in items or [] if ci.ci_class.code != code]
        if wrong:
            problems[field] = [_("类型不符：%(n)s") % {"n": "、".join(wrong)}]
    for index, row in enumerate(stakeholders or []):
        if row.get("role") not in StakeholderRole.values:
            problems[f"stakeholders.{index}.role"] = [_("请选择干系人角色")]
        if not (row.get("department") or row.get("user") or str(row.get("name") or "").strip()):
            problems[f"stakeholders.{index}"] = [_("请填写科室、人员或姓名")]
    if problems:
        raise ValidationFailed(fields=problems)
    pattern.schedule = {day: pattern.schedule.get(day, []) for day in WEEKDAYS}
    pattern.save()
    if activities is not None:
        pattern.activities.set(activities)
    if applications is not None:
        pattern.applications.set(applications)
    if stakeholders is not None:
        pattern.stakeholders.all().delete()
        Stakeholder.objects.bulk_create(
            Stakeholder(
                pattern=pattern,
                role=row["role"],
                department=row.get("department"),
                user=row.get("user"),
                name=str(row.get("name") or "")[:60],
                phone=str(row.get("phone") or "")[:30],
                sort_order=index,
            )
            for index, row in enumerate(stakeholders)
        )
    return pattern
