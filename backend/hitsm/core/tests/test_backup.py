"""The backup and restore drill (issue 12): real tickets with attachments are backed up, restored
into a fresh database and media folder by the operator's command, and compared table by table
and file by file with what was backed up. Counts and checksums here are taken with the plain
drivers, not with the code under test."""

from __future__ import annotations

import copy
import hashlib
import io
import os
import sqlite3
import subprocess
import sys
import tarfile
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from hitsm.core import backup
from hitsm.core.backup import BackupError, backup_create, backup_restore, backup_verify
from hitsm.servicedesk.models import Attachment
from hitsm.servicedesk.services import ticket_attach, ticket_create
from hitsm.servicedesk.tests.conftest import jpeg_bytes

BACKEND = Path(__file__).resolve().parents[3]
pytestmark = pytest.mark.django_db(transaction=True)  # pg_dump sees committed data only
NEEDS_POSTGRES = "needs the suite on PostgreSQL: DATABASE_URL=postgres://…"
NEEDS_SQLITE = "the embedded (SQLite) drill runs when the suite runs without DATABASE_URL"


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _pg_params(db: dict, name: str) -> dict:
    return {
        "dbname": name,
        "host": db["HOST"] or None,
        "port": db["PORT"] or None,
        "user": db["USER"] or None,
        "password": db["PASSWORD"] or None,
    }


def _rows(db: dict) -> dict[str, int]:
    """Rows per table, with the plain driver."""
    if db["ENGINE"].endswith("sqlite3"):
        with sqlite3.connect(db["NAME"]) as conn:
            names = [
                r[0]
                for r in conn.execute(
                    "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
                )
            ]
            return {n: conn.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0] for n in names}  # noqa: S608
    import psycopg

    with psycopg.connect(**_pg_params(db, db["NAME"])) as conn:
        names = [
            r[0]
            for r in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        ]
        return {n: conn.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0] for n in names}  # noqa: S608


def _attachment_rows(db: dict) -> list[tuple[str, str, str]]:
    sql = "SELECT file, thumbnail, sha256 FROM servicedesk_attachment ORDER BY id"
    if db["ENGINE"].endswith("sqlite3"):
        with sqlite3.connect(db["NAME"]) as conn:
            return list(conn.execute(sql))
    import psycopg

    with psycopg.connect(**_pg_params(db, db["NAME"])) as conn:
        return list(conn.execute(sql))


def _database_url(db: dict) -> str:
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    host, port = db["HOST"] or "127.0.0.1", db["PORT"] or 5432
    return f"postgres://{db['USER']}@{host}:{port}/{db['NAME']}"


@pytest.fixture
def fresh_database(tmp_path):
    """Makes new, empty databases of the suite's engine: SQLite files in a temporary folder, or
    PostgreSQL databases created on the test server (uniquely named, dropped afterwards)."""
    created: list[str] = []
    source = connection.settings_dict

    def make() -> dict:
        db = copy.deepcopy(source)
        if connection.vendor == "sqlite":
            folder = tmp_path / f"restored-{len(created)}"
            folder.mkdir()
            db["NAME"] = str(folder / "hitsm.sqlite3")
            created.append(db["NAME"])
            return db
        import psycopg

        name = f"hitsm_restore_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(**_pg_params(source, "postgres"), autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        created.append(name)
        db["NAME"] = name
        return db

    yield make
    if connection.vendor == "postgresql":
        import psycopg

        with psycopg.connect(**_pg_params(source, "postgres"), autocommit=True) as admin:
            for name in created:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def tickets_with_attachments(nurse_li):
    """Three incidents, each with a photo (and its thumbnail) and a text log added later."""
    tickets = []
    for n in range(3):
        photo = SimpleUploadedFile(f"打印机{n}.jpg", jpeg_bytes((64 + n, 48)), "image/jpeg")
        ticket = ticket_create(
            requester=nurse_li,
            submitted_by=nurse_li,
            kind="incident",
            title=f"门诊{n + 1}楼打印机卡纸",
            files=[photo],
        )
        log = SimpleUploadedFile(f"日志{n}.txt", f"错误代码 0x8007000{n}".encode(), "text/plain")
        ticket_attach(ticket=ticket, actor=nurse_li, files=[log])
        tickets.append(ticket)
    assert Attachment.objects.count() == 6
    return tickets


def _media_tree(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): sha256(p) for p in root.rglob("*") if p.is_file()}


def _drill(tmp_path: Path, target: dict) -> None:
    """Back up with the command, restore with the command in a new process configured for the
    fresh database and data folder (as an operator would), then compare everything."""
    source = connection.settings_dict
    source_rows = _rows(source)
    source_media = _media_tree(Path(settings.MEDIA_ROOT))
    assert source_rows["servicedesk_ticket"] == 3
    assert source_rows["servicedesk_attachment"] == 6
    assert len(source_media) == 9  # 3 photos, 3 thumbnails, 3 logs

    out = io.StringIO()
    call_command("hitsm_backup", output=tmp_path / "backups", stdout=out)
    assert "Backup written" in out.getvalue()
    (archive,) = (tmp_path / "backups").glob("hitsm-backup-*.tar.gz")
    assert oct(archive.stat().st_mode & 0o777) == "0o600"  # it holds personal data
    assert (tmp_path / "backups" / f"{archive.name}.sha256").read_text().split()[0] == (
        sha256(archive)
    )

    data_dir = Path(target["NAME"]).parent if connection.vendor == "sqlite" else tmp_path / "dr"
    env = {**os.environ, "DATABASE_URL": _database_url(target), "HITSM_DATA_DIR": str(data_dir)}
    restore = subprocess.run(
        [sys.executable, "manage.py", "hitsm_restore", str(archive)],
        cwd=BACKEND,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert restore.returncode == 0, restore.stdout + restore.stderr
    assert "Restored and checked" in restore.stdout

    restored_rows = _rows(target)
    assert restored_rows == source_rows
    restored_media = data_dir / "media"
    assert _media_tree(restored_media) == source_media
    rows = _attachment_rows(target)
    assert len(rows) == 6
    for file, thumbnail, checksum in rows:
        assert sha256(restored_media / file) == checksum  # the sha256 taken at upload
        if thumbnail:
            assert sha256(restored_media / thumbnail) == source_media[thumbnail]


def test_an_embedded_instance_is_restored_into_a_fresh_sqlite_file(
    tmp_path, fresh_database, tickets_with_attachments
):
    if connection.vendor != "sqlite":
        pytest.skip(NEEDS_SQLITE)
    _drill(tmp_path, fresh_database())


def test_a_postgresql_instance_is_restored_into_a_freshly_created_database(
    tmp_path, fresh_database, tickets_with_attachments
):
    if connection.vendor != "postgresql":
        pytest.skip(NEEDS_POSTGRES)
    _drill(tmp_path, fresh_database())


def _backup(tmp_path: Path) -> Path:
    report = backup_create(
        output_dir=tmp_path / "backups",
        database=connection.settings_dict,
        media_root=Path(settings.MEDIA_ROOT),
    )
    return Path(report.manifest["archive"])


def test_the_manifest_records_version_engine_row_counts_and_file_checksums(
    tmp_path, tickets_with_attachments
):
    archive = _backup(tmp_path)
    manifest = backup_verify(archive=archive).manifest
    assert manifest["hitsm_version"] == settings.HITSM_VERSION
    assert manifest["database"]["engine"] == connection.vendor
    tables = manifest["database"]["tables"]
    assert tables["servicedesk_ticket"] == 3
    assert tables["servicedesk_attachment"] == 6
    assert tables == {t: n for t, n in _rows(connection.settings_dict).items() if t in tables}
    media = Path(settings.MEDIA_ROOT)
    assert manifest["media"]["files"] == {
        rel: {"sha256": digest, "size": (media / rel).stat().st_size}
        for rel, digest in _media_tree(media).items()
    }


def _repack(archive: Path, out: Path, change) -> None:
    with tarfile.open(archive) as src, tarfile.open(out, "w:gz") as dst:
        for member in src.getmembers():
            data = src.extractfile(member).read()
            data = change(member.name, data)
            if data is not None:
                member.size = len(data)
                dst.addfile(member, io.BytesIO(data))


def test_a_changed_media_file_fails_verification_and_nothing_is_restored(
    tmp_path, fresh_database, tickets_with_attachments
):
    archive = _backup(tmp_path)
    changed: list[str] = []

    def flip_a_byte(name: str, data: bytes) -> bytes:
        if not changed and "/media/attachments/" in name and name.endswith(".txt"):
            changed.append(name.split("/media/", 1)[1])
            return data[:-1] + bytes([data[-1] ^ 1])  # same size, other content
        return data

    tampered = tmp_path / "tampered.tar.gz"
    _repack(archive, tampered, flip_a_byte)

    report = backup_verify(archive=tampered)
    assert len(report.problems) == 1
    assert report.problems[0].startswith(f"media/{changed[0]}: differs from the manifest")
    with pytest.raises(CommandError, match="1 problem"):
        call_command("hitsm_backup", verify=tampered, stdout=io.StringIO(), stderr=io.StringIO())

    target, media_root = fresh_database(), tmp_path / "restored-media"
    with pytest.raises(BackupError, match="failed verification, nothing was restored"):
        backup_restore(archive=tampered, database=target, media_root=media_root, work_dir=tmp_path)
    assert backup.table_counts(target) == {}
    assert not media_root.exists()


def test_a_missing_or_extra_file_and_a_cut_short_archive_are_reported(
    tmp_path, tickets_with_attachments
):
    archive = _backup(tmp_path)
    missing = tmp_path / "missing.tar.gz"
    stem = archive.name.removesuffix(".tar.gz")

    def drop_a_thumbnail(name: str, data: bytes) -> bytes | None:
        return None if "/media/thumbnails/" in name else data

    _repack(archive, missing, drop_a_thumbnail)
    problems = backup_verify(archive=missing).problems
    assert len(problems) == 3
    assert all("/thumbnails/" in p and "missing from the archive" in p for p in problems)

    extra = tmp_path / "extra.tar.gz"
    with tarfile.open(archive) as src, tarfile.open(extra, "w:gz") as dst:
        for member in src.getmembers():
            dst.addfile(member, src.extractfile(member))
        for name in (f"{stem}/media/attachments/planted.exe", f"{stem}/media/../../escape.sh"):
            info = tarfile.TarInfo(name)
            info.size = 2
            dst.addfile(info, io.BytesIO(b"MZ"))
    assert backup_verify(archive=extra).problems == [
        f"{stem}/media/../../escape.sh: unexpected path in the archive",
        "media/attachments/planted.exe: in the archive but not in the manifest",
    ]

    cut = tmp_path / "cut.tar.gz"
    cut.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    with pytest.raises(BackupError, match="could not be read to the end"):
        backup_verify(archive=cut)


def test_restore_refuses_a_target_that_is_not_empty_unless_forced(
    tmp_path, fresh_database, tickets_with_attachments
):
    archive = _backup(tmp_path)
    target, media_root = fresh_database(), tmp_path / "media-a"
    first = backup_restore(
        archive=archive, database=target, media_root=media_root, work_dir=tmp_path
    )
    assert first.ok, first.problems

    with pytest.raises(BackupError, match=r"is not empty \(\d+ tables\).*--force"):
        backup_restore(archive=archive, database=target, media_root=media_root, work_dir=tmp_path)

    other = fresh_database()
    with pytest.raises(BackupError, match=r"already has files.*--force"):
        backup_restore(archive=archive, database=other, media_root=media_root, work_dir=tmp_path)
    assert backup.table_counts(other) == {}

    (media_root / "attachments" / "stray.txt").write_text("left by an earlier attempt")
    again = backup_restore(
        archive=archive, database=target, media_root=media_root, work_dir=tmp_path, force=True
    )
    assert again.ok, again.problems
    assert _rows(target) == _rows(connection.settings_dict)


def test_an_archive_of_the_other_engine_is_refused(tmp_path, tickets_with_attachments):
    archive = _backup(tmp_path)
    if connection.vendor == "sqlite":
        other = {"ENGINE": "django.db.backends.postgresql", "NAME": "hitsm"}
    else:
        other = {"ENGINE": "django.db.backends.sqlite3", "NAME": str(tmp_path / "x.sqlite3")}
    with pytest.raises(BackupError, match="restore it into the same kind of database"):
        backup_restore(archive=archive, database=other, media_root=None, work_dir=tmp_path)


def test_pg_tools_get_the_password_in_their_environment_never_on_the_command_line(
    tmp_path, fresh_database, monkeypatch, tickets_with_attachments
):
    if connection.vendor != "postgresql":
        pytest.skip(NEEDS_POSTGRES)
    secret = "n0t-on-argv-" + uuid.uuid4().hex  # trust authentication ignores it
    calls = []
    real_run = subprocess.run

    def spy(args, **kwargs):
        calls.append((list(args), kwargs.get("env") or {}))
        return real_run(args, **kwargs)

    monkeypatch.setattr(backup.subprocess, "run", spy)
    source = {**connection.settings_dict, "PASSWORD": secret}
    report = backup_create(output_dir=tmp_path / "b", database=source, media_root=None)
    target = {**fresh_database(), "PASSWORD": secret}
    archive = Path(report.manifest["archive"])
    assert backup_restore(archive=archive, database=target, media_root=None, work_dir=tmp_path).ok

    tools = [(args, env) for args, env in calls if Path(args[0]).name in ("pg_dump", "pg_restore")]
    assert {Path(args[0]).name for args, _ in tools} == {"pg_dump", "pg_restore"}
    for args, env in tools:
        assert not any(secret in arg for arg in args)
        assert env["PGPASSWORD"] == secret


def test_a_pg_dump_older_than_the_server_is_refused_with_advice(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip(NEEDS_POSTGRES)
    old = tmp_path / "bin"
    old.mkdir()
    fake = old / "pg_dump"
    fake.write_text("#!/bin/sh\necho 'pg_dump (PostgreSQL) 13.16'\n")
    fake.chmod(0o755)
    with pytest.raises(BackupError, match=r"version 13 but the server runs PostgreSQL 1[5-9]"):
        backup_create(
            output_dir=tmp_path / "b",
            database=connection.settings_dict,
            media_root=None,
            pg_bin=str(old),
        )
    assert not list((tmp_path / "b").glob("hitsm-backup-*"))  # no archive, not even partial
