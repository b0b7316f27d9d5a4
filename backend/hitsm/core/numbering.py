"""Human-readable numbers such as ``SR-20261125-0001``, unique under concurrency.

One statement takes the next value: an upsert on the (prefix, day) counter row that creates it
at 1 or increments it, returning the new value (``INSERT … ON CONFLICT (key) DO UPDATE SET
last_value = last_value + 1 RETURNING last_value``, PostgreSQL and SQLite ≥ 3.35). The database
serialises concurrent increments on the row lock (PostgreSQL) or the write lock (SQLite), and
the value returned is ours. Outside a transaction the statement commits by itself, so the row
stays locked only while the database executes it — never across a round trip to the client,
where a descheduled worker would make every other creation wait behind it.
"""

from __future__ import annotations

import datetime as dt

from django.db import connections, router
from django.utils import timezone

from hitsm.core.models import NumberSequence


def number_next(*, prefix: str, day: dt.date | None = None, width: int = 4) -> str:
    if not prefix.isalnum() or not prefix.isupper():
        raise ValueError(f"number prefix must be upper-case letters/digits, got {prefix!r}")
    day = day or timezone.localdate()
    key = f"{prefix}-{day:%Y%m%d}"
    connection = connections[router.db_for_write(NumberSequence)]
    quote = connection.ops.quote_name
    table = quote(NumberSequence._meta.db_table)
    key_column = quote(NumberSequence._meta.get_field("key").column)
    value_column = quote(NumberSequence._meta.get_field("last_value").column)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({key_column}, {value_column}) VALUES (%s, 1) "  # noqa: S608
            f"ON CONFLICT ({key_column}) DO UPDATE SET {value_column} = {table}.{value_column} + 1 "
            f"RETURNING {value_column}",
            [key],
        )
        value = cursor.fetchone()[0]
    return f"{key}-{value:0{width}d}"
