"""Audit rows are kept at least 180 days: the purge refuses anything younger, deletes whole
sealed ranges only, keeps the seals, records its own run, and leaves a chain that verifies."""

from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone

from hitsm.accounts.models import Department, LoginEvent, LoginEventKind
from hitsm.audit.chain import chain_verify
from hitsm.audit.models import AuditPurge, AuditSeal
from hitsm.audit.services import audit_seal, audit_seal_pending
from hitsm.core.models import ChangeLog

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_margin(settings):
    settings.AUDIT_SEAL_MARGIN = timedelta(0)


def _day(days_ago: int) -> str:
    return (timezone.localdate() - timedelta(days=days_ago)).isoformat()


@pytest.fixture
def old_and_new(db):
    """Rows from 200 days ago (sealed then), and rows from today (sealed now)."""
    with time_machine.travel(timezone.now() - timedelta(days=200)):
        Department.objects.create(name="旧科室", code="OLD")
        LoginEvent.objects.create(kind=LoginEventKind.LOGIN, username="nurse_li")
        old = audit_seal()
    Department.objects.create(name="新科室", code="NEW")
    LoginEvent.objects.create(kind=LoginEventKind.FAILED, username="nurse_li")
    new = audit_seal()
    return old, new


def test_the_purge_refuses_rows_younger_than_180_days(old_and_new):
    for days in (0, 179):
        with pytest.raises(CommandError, match="至少保留 180 天"):
            call_command("audit_purge", "--before", _day(days))
    assert not AuditPurge.objects.exists()
    assert ChangeLog.objects.filter(object_repr="旧科室").exists()


def test_the_purge_removes_old_sealed_rows_and_keeps_the_chain(old_and_new, capsys):
    old, _new = old_and_new
    call_command("audit_purge", "--before", _day(190))
    assert "Purged through seal #1" in capsys.readouterr().out
    assert not ChangeLog.objects.filter(pk__lte=old.changelog_last_id).exists()
    assert not LoginEvent.objects.filter(pk__lte=old.loginevent_last_id).exists()
    assert ChangeLog.objects.filter(object_repr="新科室").exists()
    seals = list(AuditSeal.objects.order_by("sequence"))
    assert [s.sequence for s in seals] == [1, 2, 3]
    assert seals[2].purged_through == 1
    purge = AuditPurge.objects.get()
    assert (purge.actor_label, purge.through_sequence) == ("command:audit_purge", 1)
    assert purge.changelog_deleted == old.changelog_count
    # the purge is itself in the change log, and gets sealed like everything else
    assert ChangeLog.objects.filter(object_id=str(purge.pk), action="create").exists()
    audit_seal_pending()
    report = chain_verify()
    assert report.ok, report.problem
    assert report.purged_through == 1 and report.unsealed == {"changelog": 0, "loginevent": 0}


def test_a_seal_with_any_recent_row_is_kept_whole(db):
    with time_machine.travel(timezone.now() - timedelta(days=200)):
        Department.objects.create(name="旧科室", code="OLD")
    Department.objects.create(name="新科室", code="NEW")
    audit_seal()  # one seal covering old and new rows
    call_command("audit_purge", "--before", _day(190))
    assert ChangeLog.objects.filter(object_repr="旧科室").exists()
    assert AuditPurge.objects.get().through_sequence == 0


def test_unsealed_old_rows_are_kept(db, capsys):
    with time_machine.travel(timezone.now() - timedelta(days=200)):
        Department.objects.create(name="旧科室", code="OLD")
    call_command("audit_purge", "--before", _day(190))
    assert "not sealed yet and were kept" in capsys.readouterr().out
    assert ChangeLog.objects.filter(object_repr="旧科室").exists()


def test_the_purge_refuses_a_broken_chain(old_and_new):
    row = ChangeLog.objects.filter(object_repr="新科室").get()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE core_changelog SET object_repr = 'x' WHERE id = %s", [row.pk])
    with pytest.raises(CommandError, match="校验未通过"):
        call_command("audit_purge", "--before", _day(190))
    assert ChangeLog.objects.filter(object_repr="旧科室").exists()


def test_rows_deleted_in_sql_do_not_pass_for_a_purge(old_and_new):
    old, _new = old_and_new
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_changelog WHERE id <= %s", [old.changelog_last_id])
    assert chain_verify().problem.kind == "rows_deleted"


def test_a_forged_purge_mark_on_recent_rows_is_caught(old_and_new):
    """Someone deletes recent rows and appends a seal saying they were purged."""
    from hitsm.audit.chain import stored_hash

    _old, new = old_and_new
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_changelog WHERE id <= %s", [new.changelog_last_id])
        cursor.execute("DELETE FROM accounts_loginevent WHERE id <= %s", [new.loginevent_last_id])
    forged = AuditSeal(
        sequence=3,
        created_at=timezone.now(),
        changelog_last_id=new.changelog_last_id,
        changelog_count=0,
        loginevent_last_id=new.loginevent_last_id,
        loginevent_count=0,
        purged_through=2,
        rows_digest="e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        prev_hash=new.hash,
    )
    forged.hash = stored_hash(forged)
    forged.save()
    report = chain_verify()
    assert (report.problem.sequence, report.problem.kind) == (3, "purge_too_recent")
