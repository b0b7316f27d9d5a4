"""The hash chain over the audit log: how a seal's hash is computed, and its verification.

A seal covers, per log table, the rows with ``previous seal's last id < id <= last id``, in id
order. Each row becomes one line of canonical JSON (sorted keys, no spaces, UTF-8, times in UTC
with microseconds); ``rows_digest`` is the SHA-256 of those lines, and the seal's ``hash`` is the
SHA-256 of its header — sequence, previous hash, ranges, counts, times, purge mark and
``rows_digest`` — again as canonical JSON. Changing, deleting or inserting a row inside a sealed
range changes the digest; changing, removing or reordering a seal breaks the link to the next.

The rows are hashed as the database returns them, at sealing and at verification alike. Foreign
keys to users are left out (a deleted user's rows get ``actor_id = NULL``); the username stored in
the row (``actor_label``, ``username``) is what the chain protects.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction

from hitsm.accounts.models import LoginEvent
from hitsm.audit.models import AuditSeal
from hitsm.core.models import ChangeLog

GENESIS = "0" * 64
# The retention floor of 等保2.0 (网络安全法 第二十一条: logs kept for at least six months).
RETENTION_DAYS = 180


@dataclass(frozen=True)
class SealedTable:
    key: str  # the seal's column prefix: <key>_last_id, <key>_count
    model: type[ChangeLog] | type[LoginEvent]
    fields: tuple[str, ...]


SEALED_TABLES: tuple[SealedTable, ...] = (
    SealedTable(
        "changelog",
        ChangeLog,
        (
            "id",
            "time",
            "actor_label",
            "request_id",
            "ip_address",
            "action",
            "content_type_id",
            "object_id",
            "object_repr",
            "before",
            "after",
            "changed_fields",
        ),
    ),
    SealedTable(
        "loginevent",
        LoginEvent,
        ("id", "time", "kind", "username", "ip_address", "user_agent", "detail"),
    ),
)


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat(timespec="microseconds")
    return value


def canonical(data: dict[str, Any]) -> bytes:
    return json.dumps(
        {k: _plain(v) for k, v in data.items()},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    ).encode()


def row_line(table: SealedTable, values: tuple[Any, ...]) -> bytes:
    return canonical({"table": table.key, **dict(zip(table.fields, values, strict=True))}) + b"\n"


def rows_in(table: SealedTable, *, after_id: int, last_id: int) -> Iterator[tuple[Any, ...]]:
    """The rows a seal covers (``after_id < id <= last_id``) as the chain hashes them."""
    return (
        table.model.objects.filter(pk__gt=after_id, pk__lte=last_id)
        .order_by("pk")
        .values_list(*table.fields)
        .iterator(chunk_size=2000)
    )


def seal_hash(
    *,
    sequence: int,
    prev_hash: str,
    created_at: dt.datetime,
    last_ids: dict[str, int],
    counts: dict[str, int],
    latest_row_time: dt.datetime | None,
    purged_through: int,
    rows_digest: str,
) -> str:
    header = {
        "sequence": sequence,
        "prev_hash": prev_hash,
        "created_at": created_at,
        "latest_row_time": latest_row_time,
        "purged_through": purged_through,
        "rows_digest": rows_digest,
        **{f"{key}_last_id": value for key, value in sorted(last_ids.items())},
        **{f"{key}_count": value for key, value in sorted(counts.items())},
    }
    return hashlib.sha256(canonical(header)).hexdigest()


def stored_hash(seal: AuditSeal) -> str:
    """The hash a stored seal should have, from its header."""
    return seal_hash(
        sequence=seal.sequence,
        prev_hash=seal.prev_hash,
        created_at=seal.created_at,
        last_ids={t.key: getattr(seal, f"{t.key}_last_id") for t in SEALED_TABLES},
        counts={t.key: getattr(seal, f"{t.key}_count") for t in SEALED_TABLES},
        latest_row_time=seal.latest_row_time,
        purged_through=seal.purged_through,
        rows_digest=seal.rows_digest,
    )


# --- Verification ---------------------------------------------------------------------------


@dataclass
class Problem:
    sequence: int
    kind: str  # seal_missing | chain_broken | seal_altered | rows_deleted | rows_inserted |
    #            rows_modified | rows_in_purged_range | purge_too_recent | range_backwards
    detail: str


@dataclass
class VerifyReport:
    seals: int = 0
    purged_through: int = 0
    rows_checked: dict[str, int] = field(default_factory=dict)
    unsealed: dict[str, int] = field(default_factory=dict)
    oldest_unsealed: dt.datetime | None = None
    head: str = GENESIS
    problem: Problem | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None


class _Rows:
    """One pass over a table's rows in id order, consumed seal by seal."""

    def __init__(self, table: SealedTable) -> None:
        self.table = table
        self._iter = (
            table.model.objects.order_by("pk").values_list(*table.fields).iterator(chunk_size=2000)
        )
        self._next: tuple[Any, ...] | None = next(self._iter, None)

    def take_through(self, last_id: int) -> Iterator[tuple[Any, ...]]:
        while self._next is not None and self._next[0] <= last_id:
            row = self._next
            self._next = next(self._iter, None)
            yield row

    def rest(self) -> Iterator[tuple[Any, ...]]:
        while self._next is not None:
            row = self._next
            self._next = next(self._iter, None)
            yield row


def _walk(report: VerifyReport) -> None:
    readers = {t.key: _Rows(t) for t in SEALED_TABLES}
    report.rows_checked = {t.key: 0 for t in SEALED_TABLES}
    report.problem = _check_seals(report, readers)
    if report.problem is not None:
        return
    for table in SEALED_TABLES:
        count = 0
        for values in readers[table.key].rest():
            count += 1
            time = values[table.fields.index("time")]
            if report.oldest_unsealed is None or time < report.oldest_unsealed:
                report.oldest_unsealed = time
        report.unsealed[table.key] = count


def _check_link(seal: AuditSeal, previous: AuditSeal | None) -> Problem | None:
    """The seal follows ``previous`` (number and hash) and its own header is unchanged."""
    expected_sequence = previous.sequence + 1 if previous else 1
    if seal.sequence != expected_sequence:
        return Problem(
            seal.sequence, "seal_missing", f"expected seal #{expected_sequence} before it"
        )
    if seal.prev_hash != (previous.hash if previous else GENESIS):
        return Problem(
            seal.sequence, "chain_broken", "its previous hash does not match the seal before it"
        )
    if stored_hash(seal) != seal.hash:
        return Problem(seal.sequence, "seal_altered", "the seal itself was changed")
    return None


RowSource = Callable[[SealedTable, int, int], Iterable[tuple[Any, ...]]]


def _check_rows(
    report: VerifyReport, seal: AuditSeal, previous: AuditSeal | None, rows: RowSource
) -> Problem | None:
    """The rows the seal covers (after the previous seal's ids, through its own), read from
    ``rows(table, after_id, last_id)``: none left in a purged range, as many as it counted,
    and hashing to its digest. Counts the seal into ``report`` when they do."""
    digest = hashlib.sha256()
    for table in SEALED_TABLES:
        after_id = getattr(previous, f"{table.key}_last_id") if previous else 0
        last_id = getattr(seal, f"{table.key}_last_id")
        expected_count = getattr(seal, f"{table.key}_count")
        if last_id < after_id:
            return Problem(seal.sequence, "range_backwards", f"{table.key} ids go backwards")
        found = 0
        for values in rows(table, after_id, last_id):
            found += 1
            digest.update(row_line(table, values))
        report.rows_checked[table.key] += found
        if seal.sequence <= report.purged_through:
            if found:
                return Problem(
                    seal.sequence,
                    "rows_in_purged_range",
                    f"{found} {table.key} row(s) remain in a range the purge removed",
                )
            continue
        if found < expected_count:
            return Problem(
                seal.sequence,
                "rows_deleted",
                f"{table.key}: {expected_count - found} row(s) deleted "
                f"(ids {after_id + 1}…{last_id})",
            )
        if found > expected_count:
            return Problem(
                seal.sequence,
                "rows_inserted",
                f"{table.key}: {found - expected_count} row(s) inserted "
                f"(ids {after_id + 1}…{last_id})",
            )
    if seal.sequence > report.purged_through and digest.hexdigest() != seal.rows_digest:
        return Problem(seal.sequence, "rows_modified", "a row it covers was changed")
    report.seals += 1
    report.head = seal.hash
    return None


def _check_seals(report: VerifyReport, readers: dict[str, _Rows]) -> Problem | None:
    previous: AuditSeal | None = None
    pending_purge_times: dict[int, dt.datetime | None] = {}
    purged_through = 0
    for seal in AuditSeal.objects.order_by("sequence").iterator(chunk_size=500):
        problem = _check_link(seal, previous)
        if problem is not None:
            return problem
        if seal.purged_through < purged_through or seal.purged_through >= seal.sequence:
            return Problem(
                seal.sequence, "seal_altered", "its purge mark goes backwards or ahead of itself"
            )
        # A purge may remove only seals whose newest row was older than the retention floor.
        if seal.purged_through > purged_through:
            floor = seal.created_at - dt.timedelta(days=RETENTION_DAYS)
            for sequence in range(purged_through + 1, seal.purged_through + 1):
                newest = pending_purge_times.pop(sequence, None)
                if newest is not None and newest >= floor:
                    return Problem(
                        seal.sequence,
                        "purge_too_recent",
                        f"it marks seal #{sequence} purged, whose rows were younger than "
                        f"{RETENTION_DAYS} days",
                    )
            purged_through = seal.purged_through
        pending_purge_times[seal.sequence] = seal.latest_row_time

        problem = _check_rows(
            report, seal, previous, lambda t, _after, last: readers[t.key].take_through(last)
        )
        if problem is not None:
            return problem
        previous = seal
    return None


def chain_verify() -> VerifyReport:
    """Recompute the chain from the first seal; stops at the first broken seal.

    On PostgreSQL the whole check reads one snapshot, so seals and rows written meanwhile do not
    confuse it. (On SQLite a read transaction would take the write lock for the whole check.)
    """
    report = VerifyReport()
    _in_snapshot(lambda: _walk_from_latest(report))
    return report


def _in_snapshot(check: Callable[[], object]) -> None:
    """Run ``check`` in one REPEATABLE READ snapshot on PostgreSQL; elsewhere (or inside a
    transaction already) as it is."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        check()
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        check()


def _walk_from_latest(report: VerifyReport) -> None:
    # Rows of seals up to the newest purge mark are gone; the walk checks that mark on the way.
    latest = AuditSeal.objects.order_by("-sequence").first()
    report.purged_through = latest.purged_through if latest else 0
    _walk(report)


# --- The newest seals only (the auditor's page) ------------------------------------------------


def _check_recent(report: VerifyReport, seals: int) -> Problem | None:
    newest_first = list(AuditSeal.objects.order_by("-sequence")[: seals + 1])
    report.purged_through = newest_first[0].purged_through if newest_first else 0
    window = newest_first[::-1]
    # The seal before the window anchors it: its own hash is checked, its rows are not.
    previous = window.pop(0) if len(window) > seals else None
    if previous is not None and stored_hash(previous) != previous.hash:
        return Problem(previous.sequence, "seal_altered", "the seal itself was changed")
    report.rows_checked = {t.key: 0 for t in SEALED_TABLES}
    for seal in window:
        problem = _check_link(seal, previous) or _check_rows(
            report, seal, previous, lambda t, after, last: rows_in(t, after_id=after, last_id=last)
        )
        if problem is not None:
            return problem
        previous = seal
    for table in SEALED_TABLES:
        last_id = getattr(previous, f"{table.key}_last_id") if previous else 0
        report.unsealed[table.key] = table.model.objects.filter(pk__gt=last_id).count()
    return None


def chain_verify_recent(*, seals: int) -> VerifyReport:
    """Check the newest ``seals`` seals — links, headers, and the rows they cover — anchored on
    the seal before them. The cost is bounded (at most ``seals`` × SEAL_MAX_ROWS rows per table),
    so the auditor's page can run it; ``manage.py audit_verify`` checks the whole chain."""
    report = VerifyReport()

    def check() -> None:
        report.problem = _check_recent(report, seals)

    _in_snapshot(check)
    return report
