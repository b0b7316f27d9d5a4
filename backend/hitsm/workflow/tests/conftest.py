"""Shared fixtures: a catalog item with a small form, and tickets submitted on it."""

from __future__ import annotations

import pytest

from hitsm.catalog.models import CatalogCategory, CatalogItem, Form
from hitsm.catalog.services import form_publish, form_save
from hitsm.servicedesk.services import ticket_create

FORM = {
    "fields": [
        {
            "key": "level",
            "type": "select",
            "label": "级别",
            "options": [{"value": "high", "label": "高"}, {"value": "low", "label": "低"}],
        },
        {"key": "system", "type": "text", "label": "系统"},
    ]
}


def make_item(code: str = "his-fault") -> CatalogItem:
    menu, _ = CatalogCategory.objects.get_or_create(code="apps", defaults={"name": "应用"})
    form = form_save(form=Form(code=f"{code}-form", name="故障", draft_schema=FORM))
    form_publish(form=form, actor=None)
    return CatalogItem.objects.create(
        code=code, name="HIS 故障", kind="incident", category=menu, form=form
    )


@pytest.fixture
def item(db) -> CatalogItem:
    return make_item()


@pytest.fixture
def submit(nurse_li, item):
    def make(**form):
        return ticket_create(
            requester=nurse_li,
            submitted_by=nurse_li,
            kind="incident",
            title="HIS 登录失败",
            catalog_item=item,
            form_data=form,
        )

    return make
