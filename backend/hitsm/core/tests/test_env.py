import os
import subprocess
import sys
from pathlib import Path

import pytest

from config.env import ImproperlyConfiguredEnv, env_bool, env_int, env_str, env_url

BACKEND = Path(__file__).resolve().parents[3]


def test_bool_refuses_words_it_does_not_know(monkeypatch):
    monkeypatch.setenv("HITSM_X", "maybe")
    with pytest.raises(ImproperlyConfiguredEnv, match="HITSM_X='maybe' is not a boolean"):
        env_bool("HITSM_X")


@pytest.mark.parametrize(
    ("raw", "expected"), [("true", True), ("FALSE", False), ("0", False), ("on", True), ("", False)]
)
def test_bool_reads_the_usual_spellings(monkeypatch, raw, expected):
    monkeypatch.setenv("HITSM_X", raw)
    assert env_bool("HITSM_X", default=True) is expected


def test_int_refuses_non_numbers_and_out_of_range(monkeypatch):
    monkeypatch.setenv("HITSM_N", "ten")
    with pytest.raises(ImproperlyConfiguredEnv, match="not a whole number"):
        env_int("HITSM_N", 1)
    monkeypatch.setenv("HITSM_N", "2")
    with pytest.raises(ImproperlyConfiguredEnv, match="below the minimum 3"):
        env_int("HITSM_N", 5, minimum=3)


def test_url_must_have_an_allowed_scheme(monkeypatch):
    monkeypatch.setenv("REDIS_URL", "localhost:6379")
    with pytest.raises(ImproperlyConfiguredEnv, match="must be a URL starting with redis://"):
        env_url("REDIS_URL", schemes=("redis",))


def test_secret_is_read_from_a_file(monkeypatch, tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("s3cret-value\n")
    monkeypatch.setenv("HITSM_SECRET_FILE", str(secret))
    assert env_str("HITSM_SECRET") == "s3cret-value"


def _manage(env_overrides: dict[str, str]) -> subprocess.CompletedProcess[str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("HITSM_", "DATABASE_URL", "REDIS_URL"))
    }
    env.update({"HITSM_DATA_DIR": os.environ["HITSM_DATA_DIR"], **env_overrides})
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=BACKEND,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"HITSM_DEBUG": "yes please"}, "HITSM_DEBUG='yes please' is not a boolean"),
        ({"HITSM_DEBUG": "true", "HITSM_SESSION_IDLE_MINUTES": "1"}, "below the minimum 5"),
        (
            {"HITSM_DEBUG": "true", "DATABASE_URL": "mysql://x"},
            "DATABASE_URL='mysql://x' must be a URL",
        ),
        ({}, "HITSM_SECRET_KEY (or HITSM_SECRET_KEY_FILE) is required"),
        ({"HITSM_SECRET_KEY": "short"}, "at least 32 characters"),
    ],
)
def test_malformed_environment_stops_start_up_with_a_clear_message(overrides, message):
    result = _manage(overrides)
    assert result.returncode == 2, result.stderr
    assert "HITSM configuration error" in result.stderr
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_a_well_formed_environment_starts():
    result = _manage({"HITSM_SECRET_KEY": "x" * 40})
    assert result.returncode == 0, result.stderr
