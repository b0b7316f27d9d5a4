"""Fault-injection suite (docs/reliability.md): opt-in, never part of a plain ``pytest`` run.

It runs only when its directory (or a file in it) is named on the command line, e.g.
``uv run pytest tests/reliability`` or ``scripts/reliability.sh``.
"""

from __future__ import annotations

import os
import secrets
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.reliability import harness

HERE = Path(__file__).resolve().parent


def _asked_for(config: pytest.Config) -> bool:
    for arg in config.invocation_params.args:
        path = Path(config.invocation_params.dir, str(arg).split("::")[0]).resolve()
        if path == HERE or HERE in path.parents:
            return True
    return False


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    if collection_path.name.startswith("test_") and not _asked_for(config):
        return True  # a plain `pytest` run: the fault-injection suite is opt-in
    return None


@pytest.fixture(scope="session")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A migrated database that each scenario copies (CREATE DATABASE … TEMPLATE)."""
    name = f"hitsm_rel_tpl_{os.getpid()}"
    url = harness.db_create(harness.SHARED_PG, name)
    env = {k: v for k, v in os.environ.items() if k not in ("HITSM_TESTING", "HITSM_CELERY_EAGER")}
    env.update(
        DATABASE_URL=url,
        HITSM_DEBUG="true",
        HITSM_DATA_DIR=str(tmp_path_factory.mktemp("template")),
    )
    env.pop("REDIS_URL", None)
    subprocess.run(
        [harness.PY, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=harness.BACKEND,
        env=env,
        check=True,
        timeout=300,
    )
    yield name
    harness.db_drop(harness.SHARED_PG, name)


@pytest.fixture
def database(template_db: str) -> Iterator[str]:
    """A fresh copy of the migrated database on the shared server, dropped afterwards."""
    name = f"hitsm_rel_{secrets.token_hex(4)}"
    url = harness.db_create(harness.SHARED_PG, name, template=template_db)
    yield url
    harness.db_drop(harness.SHARED_PG, name)


@pytest.fixture
def redis(tmp_path: Path) -> Iterator[harness.Redis]:
    server = harness.Redis(tmp_path)
    yield server
    server.resume()
    server.stop()


@pytest.fixture
def smtp() -> Iterator[harness.SmtpSink]:
    sink = harness.SmtpSink()
    yield sink
    sink.close()
