"""Demo: the starter knowledge base, published."""

from __future__ import annotations

from hitsm.knowledge.services import starter_load


def load_demo() -> dict[str, int]:
    return starter_load(publish=True)
