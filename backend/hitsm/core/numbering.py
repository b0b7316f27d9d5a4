"""Human-readable numbers such as ``SR-20261125-0001``, unique under concurrency.

The counter row for (prefix, day) is incremented with a single ``UPDATE … SET v = v + 1``: the
database serialises concurrent increments on the row lock (PostgreSQL) or the write lock
(SQLite, IMMEDIATE transactions), and the value read back in the same transaction is ours.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from hitsm.core.models import NumberSequence


@transaction.atomic
def number_next(*, prefix: str, day: dt.date | None = None, width: int = 4) -> str:
    if not prefix.isalnum() or not prefix.isupper():
        raise ValueError(f"number prefix must be upper-case letters/digits, got {prefix!r}")
    day = day or timezone.localdate()
    key = f"{prefix}-{day:%Y%m%d}"
    sequences = NumberSequence.objects.filter(key=key)
    if not sequences.update(last_value=F("last_value") + 1):
        try:
            with transaction.atomic():
                NumberSequence.objects.create(key=key, last_value=1)
        except IntegrityError:
            # Another transaction created the row first; increment theirs.
            sequences.update(last_value=F("last_value") + 1)
    value = sequences.values_list("last_value", flat=True).get()
    return f"{key}-{value:0{width}d}"
