"""Sealers running at once make one chain, and a row whose transaction is still open when a
later row is sealed is not skipped (the id-gap problem of PostgreSQL sequences)."""

import threading
from datetime import timedelta

import pytest
from django.db import connection, connections, transaction

from hitsm.accounts.models import Department, LoginEvent, LoginEventKind
from hitsm.audit.chain import chain_verify
from hitsm.audit.models import AuditSeal
from hitsm.audit.services import audit_seal, audit_seal_pending
from hitsm.core.models import ChangeLog


@pytest.fixture(autouse=True)
def _no_margin(settings):
    settings.AUDIT_SEAL_MARGIN = timedelta(0)


def _run(workers: list, timeout: float = 60) -> list[BaseException]:
    errors: list[BaseException] = []

    def wrap(target):
        def run() -> None:
            try:
                target()
            except BaseException as exc:
                errors.append(exc)
            finally:
                connections.close_all()

        return run

    threads = [threading.Thread(target=wrap(w)) for w in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    return errors


@pytest.mark.django_db(transaction=True)
def test_sealers_running_at_once_make_one_chain():
    barrier = threading.Barrier(6)

    def writer_and_sealer(n: int):
        def work() -> None:
            barrier.wait()
            for i in range(5):
                Department.objects.create(name=f"科室{n}-{i}", code=f"C{n}-{i}")
                LoginEvent.objects.create(kind=LoginEventKind.LOGIN, username=f"user{n}")
                audit_seal()

        return work

    errors = _run([writer_and_sealer(n) for n in range(6)])
    assert not errors, errors
    audit_seal_pending()
    sequences = list(AuditSeal.objects.order_by("sequence").values_list("sequence", flat=True))
    assert sequences == list(range(1, len(sequences) + 1))
    report = chain_verify()
    assert report.ok, report.problem
    assert report.unsealed == {"changelog": 0, "loginevent": 0}
    assert sum(report.rows_checked.values()) == ChangeLog.objects.count() + 30
    assert connection.vendor in ("postgresql", "sqlite")


@pytest.mark.django_db(transaction=True)
def test_a_row_still_in_flight_is_not_skipped():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite runs one writing transaction at a time: no row can be in flight")
    inserted, release = threading.Event(), threading.Event()
    slow: dict[str, int] = {}

    def slow_writer() -> None:
        with transaction.atomic():
            Department.objects.create(name="慢事务", code="SLOW")
            slow["id"] = ChangeLog.objects.filter(object_repr="慢事务").get().pk
            inserted.set()
            assert release.wait(30)

    thread = threading.Thread(target=lambda: _guard(slow_writer))
    thread.start()
    try:
        assert inserted.wait(30)
        Department.objects.create(name="快事务", code="FAST")  # a higher id, committed first
        fast = ChangeLog.objects.get(object_repr="快事务").pk
        assert fast > slow["id"]
        seal = audit_seal()
        assert seal is None or seal.changelog_last_id < slow["id"]
    finally:
        release.set()
        thread.join(30)
    audit_seal_pending()
    report = chain_verify()
    assert report.ok, report.problem
    assert report.unsealed == {"changelog": 0, "loginevent": 0}


def _guard(target) -> None:
    try:
        target()
    finally:
        connections.close_all()
