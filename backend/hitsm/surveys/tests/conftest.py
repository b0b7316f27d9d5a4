import pytest

from hitsm.catalog.models import CatalogCategory, CatalogItem
from hitsm.servicedesk.services import ticket_accept, ticket_assign, ticket_resolve
from hitsm.servicedesk.tests import conftest as desk
from hitsm.surveys.models import Survey

SCORES = {"technical": 5, "response": 4, "attitude": 5}
# the service desk's fixtures, shared
desktop_group = desk.desktop_group
app_group = desk.app_group
make_ticket = desk.make_ticket


@pytest.fixture
def printer_item(db) -> CatalogItem:
    menu = CatalogCategory.objects.create(code="printing", name="打印服务")
    return CatalogItem.objects.create(
        code="printer-fault", name="打印机故障", kind="incident", category=menu
    )


@pytest.fixture
def his_item(db) -> CatalogItem:
    menu = CatalogCategory.objects.create(code="apps", name="应用系统")
    return CatalogItem.objects.create(
        code="his-fault", name="HIS 故障", kind="incident", category=menu
    )


@pytest.fixture
def worked(make_ticket, agent_chen, engineer_wang, desktop_group):
    """``worked(**ticket fields)`` → a ticket accepted and assigned to engineer_wang."""

    def make(**kwargs):
        ticket = make_ticket(**kwargs)
        ticket = ticket_accept(ticket=ticket, actor=agent_chen)
        return ticket_assign(
            ticket=ticket, actor=agent_chen, group=desktop_group, assignee=engineer_wang
        )

    return make


@pytest.fixture
def resolve(engineer_wang):
    def make(ticket, notes="更换硒鼓后打印正常"):
        return ticket_resolve(ticket=ticket, actor=engineer_wang, code="fixed", notes=notes)

    return make


@pytest.fixture
def resolved(worked, resolve):
    """``resolved(**ticket fields)`` → a resolved ticket (so with its survey)."""

    def make(**kwargs):
        return resolve(worked(**kwargs))

    return make


@pytest.fixture
def survey(resolved) -> Survey:
    return Survey.objects.get(ticket=resolved())
