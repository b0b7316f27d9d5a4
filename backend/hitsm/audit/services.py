"""Sealing the audit log into its hash chain, and the retention purge.

Writers of log rows never wait for the sealer: rows are inserted as they happen, and the sealer
(beat, every few minutes) appends a seal over the rows that have settled since the last one.

Which rows have settled: ids come from a sequence when a row is inserted, but a transaction
commits later, so a row with a lower id can become visible after a higher one. A seal over
ids up to N must not be made while a lower id is still in flight, or that row would land inside
a sealed range and break the chain. The sealer therefore takes only rows written at least
``AUDIT_SEAL_MARGIN`` before the start of the oldest transaction still writing to the database
(read from ``pg_stat_activity`` on PostgreSQL; SQLite runs one writer at a time), and the seal's
range ends at the highest such id. Every row below that id was inserted before a row that is
already visible, so its transaction started before the cut-off and has finished. (Row times
come from the application servers' clocks: the margin must exceed their skew from the database's.)

Two sealers at once: an advisory lock on PostgreSQL (SQLite's transactions already take the
write lock up front) and, underneath, the unique ``sequence``: a second seal #N fails to insert.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hitsm.audit.chain import (
    GENESIS,
    RETENTION_DAYS,
    SEALED_TABLES,
    chain_verify,
    row_line,
    rows_in,
    seal_hash,
)
from hitsm.audit.models import AuditPurge, AuditSeal
from hitsm.core.context import current_actor
from hitsm.core.errors import DomainError

logger = logging.getLogger("hitsm.audit")

SEAL_LOCK_KEY = 7_320_101
SEAL_MAX_ROWS = 20_000  # per table and seal; the task appends several seals when behind
SEALS_PER_RUN = 50


class AuditRefused(DomainError):
    status = 409


def _lock() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [SEAL_LOCK_KEY])


def _oldest_writer_start() -> dt.datetime | None:
    """When the oldest other transaction that has written something began (PostgreSQL).

    Sessions of other database roles show no times without pg_read_all_stats; HITSM's processes
    share one role, so theirs are seen. Nothing seen means the margin alone applies.
    """
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT min(xact_start) FROM pg_stat_activity"
            " WHERE datname = current_database() AND backend_type = 'client backend'"
            " AND backend_xid IS NOT NULL AND pid <> pg_backend_pid()"
        )
        row = cursor.fetchone()
    return row[0] if row else None


def seal_cutoff(now: dt.datetime | None = None) -> dt.datetime:
    """Rows written up to this time have settled (see the module's docstring)."""
    start = now or timezone.now()
    oldest = _oldest_writer_start()
    if oldest is not None and oldest < start:
        start = oldest
    margin: dt.timedelta = settings.AUDIT_SEAL_MARGIN
    return start - margin


@transaction.atomic
def audit_seal(
    *, now: dt.datetime | None = None, purged_through: int | None = None
) -> AuditSeal | None:
    """Append one seal over the rows that settled since the last one (at most SEAL_MAX_ROWS per
    table). None when there is nothing to seal, or another sealer appended the same seal."""
    _lock()
    last = AuditSeal.objects.order_by("-sequence").first()
    cutoff = seal_cutoff(now)
    purge_mark = last.purged_through if last else 0
    if purged_through is not None:
        purge_mark = max(purge_mark, purged_through)
    last_ids: dict[str, int] = {}
    counts: dict[str, int] = {}
    latest: dt.datetime | None = None
    digest = hashlib.sha256()
    for table in SEALED_TABLES:
        after_id = getattr(last, f"{table.key}_last_id") if last else 0
        settled = list(
            table.model.objects.filter(pk__gt=after_id, time__lte=cutoff)
            .order_by("pk")
            .values_list("pk", flat=True)[:SEAL_MAX_ROWS]
        )
        last_id = settled[-1] if settled else after_id
        count = 0
        for values in rows_in(table, after_id=after_id, last_id=last_id):
            count += 1
            digest.update(row_line(table, values))
            time = values[table.fields.index("time")]
            latest = time if latest is None or time > latest else latest
        last_ids[table.key], counts[table.key] = last_id, count
    if not any(counts.values()) and purge_mark == (last.purged_through if last else 0):
        return None
    created_at = timezone.now()
    fields: dict[str, Any] = {
        "sequence": last.sequence + 1 if last else 1,
        "prev_hash": last.hash if last else GENESIS,
        "created_at": created_at,
        "latest_row_time": latest,
        "purged_through": purge_mark,
        "rows_digest": digest.hexdigest(),
    }
    seal = AuditSeal(
        **fields,
        **{f"{key}_last_id": value for key, value in last_ids.items()},
        **{f"{key}_count": value for key, value in counts.items()},
        hash=seal_hash(**fields, last_ids=last_ids, counts=counts),
    )
    try:
        with transaction.atomic():
            seal.save(force_insert=True)
    except IntegrityError:
        logger.warning("audit seal #%d was appended by another sealer", seal.sequence)
        return None
    logger.info(
        "audit seal #%d %s rows=%s last_ids=%s hash=%s",
        seal.sequence,
        seal.created_at.isoformat(),
        counts,
        last_ids,
        seal.hash,
    )
    return seal


def audit_seal_pending(*, now: dt.datetime | None = None) -> int:
    """The periodic task's body: seal until caught up (bounded per run). Returns seals made."""
    made = 0
    while made < SEALS_PER_RUN and audit_seal(now=now) is not None:
        made += 1
    return made


@dataclass(frozen=True)
class PurgeResult:
    through_sequence: int
    deleted: dict[str, int]
    unsealed_kept: int


def audit_purge(*, before: dt.datetime) -> PurgeResult:
    """Delete audit rows older than ``before`` — whole sealed ranges only, and only when every
    row in them is older than RETENTION_DAYS. The seals stay, a new seal records the purge mark,
    and an ``AuditPurge`` row (in the change log itself) records who ran it."""
    floor = timezone.now() - dt.timedelta(days=RETENTION_DAYS)
    if before > floor:
        raise AuditRefused(
            _("审计日志至少保留 %(days)d 天：只能清理 %(date)s 之前的记录")
            % {"days": RETENTION_DAYS, "date": timezone.localtime(floor).strftime("%Y-%m-%d")},
            code="audit.retention",
        )
    report = chain_verify()
    if not report.ok:
        assert report.problem is not None
        raise AuditRefused(
            _("审计日志哈希链校验未通过（封存 #%(seq)d：%(detail)s），不能清理")
            % {"seq": report.problem.sequence, "detail": report.problem.detail},
            code="audit.chain_broken",
        )
    with transaction.atomic():
        _lock()
        last = AuditSeal.objects.order_by("-sequence").first()
        through = last.purged_through if last else 0
        for seal in AuditSeal.objects.filter(sequence__gt=through).order_by("sequence"):
            if seal.latest_row_time is not None and seal.latest_row_time >= before:
                break
            through = seal.sequence
        deleted = {t.key: 0 for t in SEALED_TABLES}
        end = AuditSeal.objects.filter(sequence=through).first()
        if end is not None and last is not None and through > last.purged_through:
            for table in SEALED_TABLES:
                last_id = getattr(end, f"{table.key}_last_id")
                deleted[table.key] = table.model.objects.filter(pk__lte=last_id).purge()
        actor = current_actor()
        AuditPurge.objects.create(
            actor_label=actor.label[:150],
            before=before,
            through_sequence=through,
            changelog_deleted=deleted["changelog"],
            loginevent_deleted=deleted["loginevent"],
        )
        if last is not None and through > last.purged_through:
            audit_seal(purged_through=through)
        unsealed = sum(
            table.model.objects.filter(
                pk__gt=getattr(last, f"{table.key}_last_id") if last else 0, time__lt=before
            ).count()
            for table in SEALED_TABLES
        )
    logger.warning("audit purge before %s through seal #%d: %s", before, through, deleted)
    return PurgeResult(through_sequence=through, deleted=deleted, unsealed_kept=unsealed)
