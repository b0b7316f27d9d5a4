"""Sealing and verification: the chain catches a row changed, deleted or inserted in SQL, and a
seal changed or removed; rows that have not settled wait for a later seal."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from hitsm.accounts.models import Department, LoginEvent, LoginEventKind
from hitsm.audit import services
from hitsm.audit.chain import GENESIS, chain_verify
from hitsm.audit.models import AuditSeal
from hitsm.audit.services import audit_seal, audit_seal_pending
from hitsm.core.models import ChangeLog

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_margin(settings):
    settings.AUDIT_SEAL_MARGIN = timedelta(0)


@pytest.fixture
def history(campus):
    """Some change log and login rows, sealed in two seals."""
    Department.objects.create(name="门诊部", code="MZ", parent=campus)
    LoginEvent.objects.create(kind=LoginEventKind.LOGIN, username="nurse_li", ip_address="10.0.0.1")
    first = audit_seal()
    Department.objects.create(name="检验科", code="JYK", parent=campus)
    LoginEvent.objects.create(kind=LoginEventKind.FAILED, username="nurse_li")
    second = audit_seal()
    assert first is not None and second is not None
    return first, second


def sql(statement: str, params: list) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def test_seals_chain_and_cover_every_row(history):
    first, second = history
    assert (first.sequence, first.prev_hash) == (1, GENESIS)
    assert (second.sequence, second.prev_hash) == (2, first.hash)
    assert (
        first.changelog_count == ChangeLog.objects.filter(pk__lte=first.changelog_last_id).count()
    )
    assert (first.loginevent_count, second.loginevent_count) == (1, 1)
    assert second.changelog_last_id == ChangeLog.objects.latest("id").pk
    report = chain_verify()
    assert report.ok, report.problem
    assert report.seals == 2 and report.head == second.hash
    assert report.unsealed == {"changelog": 0, "loginevent": 0}


def test_nothing_new_makes_no_seal(history):
    assert audit_seal() is None
    assert AuditSeal.objects.count() == 2


def test_an_update_in_sql_is_caught_at_its_seal(history, capsys):
    row = ChangeLog.objects.filter(object_repr="检验科").get()
    sql("UPDATE core_changelog SET actor_label = %s WHERE id = %s", ["someone_else", row.pk])
    report = chain_verify()
    assert (report.problem.sequence, report.problem.kind) == (2, "rows_modified")
    with pytest.raises(CommandError, match=r"BROKEN at seal #2 \(rows_modified\)"):
        call_command("audit_verify")


def test_a_changed_address_or_json_value_is_caught_too(history):
    row = LoginEvent.objects.get(username="nurse_li", kind=LoginEventKind.LOGIN)
    sql("UPDATE accounts_loginevent SET ip_address = %s WHERE id = %s", ["10.0.0.2", row.pk])
    assert chain_verify().problem.kind == "rows_modified"


def test_a_delete_in_sql_is_caught_at_its_seal(history):
    row = ChangeLog.objects.filter(object_repr="门诊部").get()
    sql("DELETE FROM core_changelog WHERE id = %s", [row.pk])
    report = chain_verify()
    assert (report.problem.sequence, report.problem.kind) == (1, "rows_deleted")


def test_a_row_inserted_into_a_sealed_range_is_caught(campus):
    top = ChangeLog.objects.latest("id").pk
    template = ChangeLog.objects.latest("id")
    for offset in (100, 102):
        ChangeLog.objects.create(
            id=top + offset,
            actor_label="system",
            action="create",
            content_type=template.content_type,
            object_id="1",
            object_repr=f"row {offset}",
        )
    audit_seal()
    assert chain_verify().ok
    ChangeLog.objects.create(
        id=top + 101,
        actor_label="system",
        action="create",
        content_type=template.content_type,
        object_id="1",
        object_repr="backdated",
    )
    report = chain_verify()
    assert (report.problem.sequence, report.problem.kind) == (1, "rows_inserted")


def test_a_changed_seal_is_caught(history):
    sql("UPDATE audit_auditseal SET changelog_count = changelog_count - 1 WHERE sequence = 1", [])
    assert (chain_verify().problem.sequence, chain_verify().problem.kind) == (1, "seal_altered")


def test_a_recomputed_seal_breaks_the_link_to_the_next(history):
    sql("UPDATE audit_auditseal SET hash = %s WHERE sequence = 1", ["f" * 64])
    report = chain_verify()
    assert (report.problem.sequence, report.problem.kind) == (1, "seal_altered")


def test_a_removed_seal_is_caught(history, campus):
    Department.objects.create(name="药剂科", code="YJK", parent=campus)
    audit_seal()
    sql("DELETE FROM audit_auditseal WHERE sequence = 2", [])
    report = chain_verify()
    assert (report.problem.sequence, report.problem.kind) == (3, "seal_missing")


def test_rows_that_have_not_settled_wait(history, settings, campus):
    settings.AUDIT_SEAL_MARGIN = timedelta(minutes=2)
    Department.objects.create(name="药剂科", code="YJK", parent=campus)
    assert audit_seal() is None
    report = chain_verify()
    assert report.ok and report.unsealed["changelog"] == 1
    assert report.oldest_unsealed is not None


def test_the_task_seals_until_caught_up(campus, monkeypatch):
    monkeypatch.setattr(services, "SEAL_MAX_ROWS", 2)
    for n in range(5):
        Department.objects.create(name=f"科室{n}", code=f"K{n}", parent=campus)
    made = audit_seal_pending()
    assert made >= 3
    report = chain_verify()
    assert report.ok and report.unsealed == {"changelog": 0, "loginevent": 0}


def test_a_second_seal_with_the_same_number_cannot_be_added(campus, monkeypatch):
    """Underneath the lock, the unique sequence: a sealer that lost the race appends nothing."""
    real_cutoff = services.seal_cutoff

    def competing_sealer_wins(now=None):
        AuditSeal.objects.create(
            sequence=1,
            created_at=campus.created_at,
            changelog_last_id=0,
            changelog_count=0,
            loginevent_last_id=0,
            loginevent_count=0,
            rows_digest="0" * 64,
            prev_hash=GENESIS,
            hash="e" * 64,
        )
        return real_cutoff(now)

    monkeypatch.setattr(services, "seal_cutoff", competing_sealer_wins)
    assert audit_seal() is None
    assert list(AuditSeal.objects.values_list("sequence", "hash")) == [(1, "e" * 64)]


def test_verify_checks_anchors_kept_outside_the_database(history, capsys):
    first, second = history
    call_command("audit_verify", "--anchor", f"1:{first.hash}", "--anchor", f"2:{second.hash}")
    assert f"Chain intact. Head: {second.hash}" in capsys.readouterr().out
    with pytest.raises(CommandError, match="anchor #2"):
        call_command("audit_verify", "--anchor", f"2:{'a' * 64}")


def test_the_seal_command(campus, capsys):
    call_command("audit_seal")
    assert "1 seal(s) appended." in capsys.readouterr().out


def test_beat_runs_the_sealer(campus, settings):
    from config.celery import app
    from hitsm.audit.tasks import seal

    entry = settings.CELERY_BEAT_SCHEDULE["audit-seal"]
    assert entry["task"] in app.tasks and entry["schedule"] == 300.0
    assert seal.delay().get() == 1
    assert chain_verify().ok
