"""Hospital personas shared by every app's tests (see STYLE.md)."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from hitsm.accounts.models import Department, DepartmentKind, User
from hitsm.accounts.roles import Role
from hitsm.accounts.tests.factories import PASSWORD, DepartmentFactory, UserFactory

__all__ = [
    "PASSWORD",
    "admin_user",
    "agent_chen",
    "api",
    "auditor_sun",
    "campus",
    "client_for",
    "department_lab",
    "department_outpatient",
    "engineer_wang",
    "manager_zhao",
    "nurse_li",
    "outsider",
    "security_qian",
]


@pytest.fixture
def campus(db) -> Department:
    return DepartmentFactory(name="总院区", code="HQ", kind=DepartmentKind.CAMPUS)


@pytest.fixture
def department_outpatient(campus) -> Department:
    return DepartmentFactory(name="门诊部", code="MZ", parent=campus)


@pytest.fixture
def department_lab(campus) -> Department:
    return DepartmentFactory(name="检验科", code="JYK", parent=campus)


@pytest.fixture
def nurse_li(department_outpatient) -> User:
    return UserFactory(
        username="nurse_li",
        display_name="李护士",
        title="护士",
        department=department_outpatient,
        roles=[Role.REQUESTER],
    )


@pytest.fixture
def outsider(department_lab) -> User:
    return UserFactory(
        username="outsider",
        display_name="检验科技师",
        department=department_lab,
        roles=[Role.REQUESTER],
    )


@pytest.fixture
def agent_chen(campus) -> User:
    return UserFactory(username="agent_chen", display_name="陈工", roles=[Role.AGENT])


@pytest.fixture
def engineer_wang(campus) -> User:
    return UserFactory(username="engineer_wang", display_name="王工", roles=[Role.ENGINEER])


@pytest.fixture
def manager_zhao(campus) -> User:
    return UserFactory(username="manager_zhao", display_name="赵主任", roles=[Role.MANAGER])


@pytest.fixture
def admin_user(campus) -> User:
    return UserFactory(username="admin_sys", display_name="管理员", roles=[Role.ADMIN])


@pytest.fixture
def auditor_sun(campus) -> User:
    """The auditor (审计管理员) of 三员分立: reads the audit log, changes nothing."""
    return UserFactory(username="auditor_sun", display_name="孙审计", roles=[Role.AUDITOR])


@pytest.fixture
def security_qian(campus) -> User:
    """The security officer (安全管理员): lifts account lockouts."""
    return UserFactory(
        username="security_qian", display_name="钱安全", roles=[Role.SECURITY_OFFICER]
    )


@pytest.fixture
def api() -> APIClient:
    return APIClient()


@pytest.fixture
def client_for():
    """``client_for(nurse_li)`` → an APIClient signed in as that user."""

    def make(user: User) -> APIClient:
        client = APIClient()
        client.force_authenticate(user)
        return client

    return make
