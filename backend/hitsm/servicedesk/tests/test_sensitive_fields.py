"""Phone numbers and sensitive form answers of a ticket, per viewer (docs/admin/security.md):
full for the requester, the desk and the engineers handling it; masked for anyone else who may
see the ticket (here a colleague of the same department), in the list, the detail and Excel."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from hitsm.accounts.roles import Role
from hitsm.accounts.tests.factories import UserFactory
from hitsm.catalog.models import CatalogCategory, CatalogItem, Form
from hitsm.catalog.services import form_publish, form_save, item_save
from hitsm.servicedesk.services import ticket_create

URL = "/api/v1/tickets/"
MOBILE = "13912345678"
CONTACT = "13812345678"
ID_CARD = "110101199001011234"

CERT_FORM = {
    "fields": [
        {"key": "id_card", "type": "text", "label": "身份证号", "sensitive": True},
        {"key": "room", "type": "text", "label": "房间号"},
        {"key": "id_scan", "type": "image", "label": "身份证复印件", "sensitive": True},
        {
            "key": "people",
            "type": "table",
            "label": "持证人",
            "columns": [
                {"key": "name", "type": "text", "label": "姓名"},
                {"key": "mobile", "type": "text", "label": "手机", "sensitive": True},
            ],
        },
    ]
}


@pytest.fixture
def colleague_he(department_outpatient):
    """Same department as nurse_li: sees her tickets, not her numbers."""
    return UserFactory(
        username="nurse_he",
        display_name="何护士",
        department=department_outpatient,
        roles=[Role.REQUESTER],
    )


@pytest.fixture
def cert_item(admin_user, department_outpatient) -> CatalogItem:
    form = form_save(form=Form(code="ca-cert", name="数字证书", draft_schema=CERT_FORM))
    form_publish(form=form, actor=admin_user)
    menu = CatalogCategory.objects.create(name="账号与证书", code="accounts", sort_order=1)
    item = CatalogItem(code="ca", name="数字证书办理", kind="request", category=menu, form=form)
    return item_save(item=item, departments=[department_outpatient])


@pytest.fixture
def ticket(nurse_li, cert_item, desktop_group, photo):
    nurse_li.mobile = MOBILE
    nurse_li.save(update_fields=["mobile"])
    created = ticket_create(
        requester=nurse_li,
        submitted_by=nurse_li,
        kind="request",
        title="办理数字证书",
        contact_phone=CONTACT,
        catalog_item=cert_item,
        form_data={
            "id_card": ID_CARD,
            "room": "门诊3楼302",
            "people": [{"name": "李护士", "mobile": MOBILE}],
        },
        form_files={"id_scan": [photo]},
    )
    created.assignment_group = desktop_group
    created.save(update_fields=["assignment_group"])
    return created


def _answers(body):
    return {a["key"]: a for a in body["form_answers"]}


@pytest.mark.parametrize("viewer", ["nurse_li", "agent_chen", "manager_zhao", "engineer_wang"])
def test_requester_desk_and_handlers_see_the_full_numbers(viewer, ticket, client_for, request):
    body = client_for(request.getfixturevalue(viewer)).get(f"{URL}{ticket.pk}/").json()
    assert body["contact_phone"] == CONTACT
    assert body["requester"]["mobile"] == MOBILE
    assert body["form_data"]["id_card"] == ID_CARD
    assert body["form_data"]["people"][0]["mobile"] == MOBILE
    assert _answers(body)["id_card"]["text"] == ID_CARD


def test_a_colleague_of_the_department_sees_them_masked(ticket, colleague_he, client_for):
    response = client_for(colleague_he).get(f"{URL}{ticket.pk}/")
    assert response.status_code == 200
    body = response.json()
    assert body["contact_phone"] == "138****5678"
    assert body["requester"]["mobile"] == "139****5678"
    assert body["form_data"]["id_card"] == "1101**********1234"
    assert body["form_data"]["room"] == "门诊3楼302"  # not sensitive
    assert body["form_data"]["people"] == [{"name": "李护士", "mobile": "139****5678"}]
    answers = _answers(body)
    assert answers["id_card"]["text"] == "1101**********1234"
    assert answers["people"]["table"]["rows"] == [["李护士", "139****5678"]]
    for secret in (MOBILE, CONTACT, ID_CARD):
        assert secret not in response.content.decode()


def test_an_engineer_outside_the_group_sees_them_masked(ticket, department_outpatient, client_for):
    engineer_liu = UserFactory(
        username="engineer_liu", department=department_outpatient, roles=[Role.ENGINEER]
    )
    body = client_for(engineer_liu).get(f"{URL}{ticket.pk}/").json()
    assert body["contact_phone"] == "138****5678"


def test_the_list_carries_no_full_number_for_a_colleague(ticket, colleague_he, client_for):
    response = client_for(colleague_he).get(URL)
    assert [t["id"] for t in response.json()["results"]] == [ticket.pk]
    for secret in (MOBILE, CONTACT, ID_CARD):
        assert secret not in response.content.decode()


def _export(client):
    response = client.get(f"{URL}export/")
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    return rows[1][list(rows[0]).index("联系电话")]


def test_the_export_masks_the_contact_phone_for_a_colleague(ticket, colleague_he, client_for):
    assert _export(client_for(colleague_he)) == "138****5678"


def test_the_export_shows_the_desk_the_contact_phone(ticket, agent_chen, client_for):
    assert _export(client_for(agent_chen)) == CONTACT


def test_the_change_log_keeps_the_number_masked(ticket, agent_chen, client_for):
    from hitsm.core.models import ChangeLog

    changed = client_for(agent_chen).patch(
        f"{URL}{ticket.pk}/", {"contact_phone": "13700001111"}, format="json"
    )
    assert changed.status_code == 200, changed.content
    rows = ChangeLog.objects.filter(object_id=str(ticket.pk)).order_by("-id")
    row = next(r for r in rows if "contact_phone" in (r.changed_fields or []))
    assert (row.before["contact_phone"], row.after["contact_phone"]) == (
        "138****5678",
        "137****1111",
    )


def _scan_id(ticket) -> int:
    ticket.refresh_from_db()
    return ticket.form_data["id_scan"][0]


def test_a_sensitive_form_file_is_hidden_from_a_colleague(ticket, colleague_he, client_for):
    scan = _scan_id(ticket)
    client = client_for(colleague_he)
    body = client.get(f"{URL}{ticket.pk}/").json()
    assert body["form_data"]["id_scan"] == []
    assert _answers(body)["id_scan"]["attachments"] == []
    events = client.get(f"{URL}{ticket.pk}/events/").json()
    assert scan not in [a["id"] for e in events for a in e["attachments"]]
    assert client.get(f"/api/v1/attachments/{scan}/download/").status_code == 404


def test_the_requester_and_the_handlers_still_get_the_form_file(
    ticket, nurse_li, engineer_wang, client_for
):
    scan = _scan_id(ticket)
    for user in (nurse_li, engineer_wang):
        client = client_for(user)
        events = client.get(f"{URL}{ticket.pk}/events/").json()
        assert scan in [a["id"] for e in events for a in e["attachments"]], user.username
        assert client.get(f"/api/v1/attachments/{scan}/download/").status_code == 200
