import pytest
from django.core.management import CommandError, call_command

from hitsm.accounts.demo import DEMO_PASSWORD
from hitsm.accounts.models import Department, User
from hitsm.accounts.roles import user_roles
from hitsm.core.models import ChangeLog

pytestmark = pytest.mark.django_db


def test_seed_demo_builds_a_hospital_and_is_idempotent(capsys):
    from hitsm.servicedesk.models import Ticket

    call_command("seed_demo")
    departments, users = Department.objects.count(), User.objects.count()
    tickets = Ticket.objects.count()
    assert departments >= 30 and users >= 60 and tickets >= 9
    logs = ChangeLog.objects.count()
    call_command("seed_demo")
    assert (Department.objects.count(), User.objects.count()) == (departments, users)
    assert Ticket.objects.count() == tickets
    assert ChangeLog.objects.count() == logs  # a second run changes nothing
    statuses = set(Ticket.objects.values_list("status", flat=True))
    assert {
        "new",
        "accepted",
        "assigned",
        "in_progress",
        "pending",
        "resolved",
        "closed",
    } <= statuses
    nurse = User.objects.get(username="nurse_li")
    assert nurse.check_password(DEMO_PASSWORD)
    assert nurse.department.parent.name == "门诊部"
    assert nurse.wecom_userid == "NurseLi"
    roles = {r for u in User.objects.all() for r in user_roles(u)}
    assert roles == {"requester", "agent", "engineer", "sysadmin", "manager", "admin"}
    assert Department.objects.get(code="JYK").head.username == "head_sun"
    assert "nurse_li" in capsys.readouterr().out


def test_hitsm_user_creates_then_updates(campus):
    call_command(
        "hitsm_user",
        "desk01",
        "--password",
        "Desk#Pass2026",
        "--role",
        "agent",
        "--display-name",
        "坐席一",
        "--department",
        "HQ",
    )
    user = User.objects.get(username="desk01")
    assert user.check_password("Desk#Pass2026") and user_roles(user) == {"agent"}
    call_command("hitsm_user", "desk01", "--title", "组长", "--role", "manager")
    user.refresh_from_db()
    assert user.title == "组长" and user_roles(user) == {"manager"}


def test_hitsm_user_refuses_a_weak_password():
    with pytest.raises(CommandError, match="至少"):
        call_command("hitsm_user", "weak", "--password", "abc")
    assert not User.objects.filter(username="weak").exists()
