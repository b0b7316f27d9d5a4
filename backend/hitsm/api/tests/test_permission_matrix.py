"""Who may read and write the CMDB, SLA and KPI endpoints: one row per endpoint and role.

Reads: 200 for the roles that may read, 403 for the others (a list they may not see at all).
Writes: the create call with an empty body answers 400 (validation) for the roles that may write
and 403 for the others: the permission check runs before any input is looked at.
"""

import pytest

from hitsm.accounts.roles import Role
from hitsm.accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ROLES = [Role.REQUESTER, Role.AGENT, Role.ENGINEER, Role.SYSADMIN, Role.MANAGER, Role.ADMIN]
IT = {Role.AGENT, Role.ENGINEER, Role.SYSADMIN, Role.MANAGER, Role.ADMIN}

READS = [
    ("/api/v1/cmdb/items/", IT),
    ("/api/v1/cmdb/classes/", IT),
    ("/api/v1/cmdb/attributes/", IT),
    ("/api/v1/cmdb/relation-types/", IT),
    ("/api/v1/cmdb/relations/", IT),
    ("/api/v1/sla/calendars/", IT),
    ("/api/v1/sla/public-holidays/", IT),
    ("/api/v1/sla/policies/", IT),
    ("/api/v1/sla/escalations/", IT),
    ("/api/v1/sla/calendar-days/", IT),
    ("/api/v1/kpis/?period=2026-11", IT),
    ("/api/v1/kpis/overdue/?period=2026-11", IT),
    ("/api/v1/kpis/overdue/tickets/?period=2026-11", IT),
]
WRITES = [
    ("/api/v1/cmdb/items/", {Role.ENGINEER, Role.SYSADMIN, Role.ADMIN}),
    ("/api/v1/cmdb/relations/", {Role.ENGINEER, Role.SYSADMIN, Role.ADMIN}),
    ("/api/v1/cmdb/classes/", {Role.ADMIN}),
    ("/api/v1/cmdb/attributes/", {Role.ADMIN}),
    ("/api/v1/cmdb/imports/", {Role.ENGINEER, Role.SYSADMIN, Role.ADMIN}),
    ("/api/v1/sla/calendars/", {Role.MANAGER, Role.ADMIN}),
    ("/api/v1/sla/policies/", {Role.MANAGER, Role.ADMIN}),
    ("/api/v1/sla/escalations/", {Role.MANAGER, Role.ADMIN}),
    ("/api/v1/sla/public-holidays/", {Role.MANAGER, Role.ADMIN}),
]


@pytest.fixture
def people(campus):
    return {role: UserFactory(username=f"matrix_{role}", roles=[role]) for role in ROLES}


@pytest.mark.parametrize(("path", "allowed"), READS, ids=[p for p, _ in READS])
def test_reads(people, client_for, path, allowed):
    for role, user in people.items():
        status = client_for(user).get(path).status_code
        assert status == (200 if role in allowed else 403), (role, status)


@pytest.mark.parametrize(("path", "allowed"), WRITES, ids=[p for p, _ in WRITES])
def test_writes(people, client_for, path, allowed):
    for role, user in people.items():
        kind = "multipart" if path.endswith("/imports/") else "json"
        response = client_for(user).post(path, {}, format=kind)
        expected = 400 if role in allowed else 403
        assert response.status_code == expected, (role, response.status_code, response.content)
        if expected == 403:
            assert response.json()["error"]["code"] in ("permission_denied", "not_authenticated")


def test_anonymous_callers_get_nothing(api):
    for path, _ in READS:
        assert api.get(path).status_code in (401, 403), path
