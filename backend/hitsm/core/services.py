"""Writes owned by ``core`` that belong to no other app."""

from __future__ import annotations

from hitsm.core.models import BenchProbe


def bench_probe_create() -> BenchProbe:
    """The benchmark's one-INSERT write: a single row, no transaction block, no side effects."""
    return BenchProbe.objects.create()
