"""Backup and restore of one HITSM installation: the database and the uploaded files.

One archive, ``hitsm-backup-YYYYmmdd-HHMMSS.tar.gz`` (mode 0600), holds under a folder of the
same name:

- ``database.pgdump``: PostgreSQL, ``pg_dump --format=custom``. The per-table row counts in the
  manifest are read in the same snapshot the dump is taken from (``pg_export_snapshot`` +
  ``pg_dump --snapshot``), so they describe exactly the dumped data while HITSM keeps running.
- ``database.sqlite3``: SQLite (embedded mode), a copy made with SQLite's online backup API,
  consistent while the web server and the worker write (WAL), then ``quick_check``-ed.
- ``media/…``: every file under ``MEDIA_ROOT`` (attachments, thumbnails, voice copies, imports),
  read after the database snapshot: files are written before their rows, so every row in the
  snapshot finds its file (a file may be extra; the hourly sweep removes orphans).
- ``manifest.json`` (last): HITSM version and commit, date, engine, row counts per table, and
  the size and sha256 of the database file and of every media file.

The archive is read back and checked before it gets its final name, and a ``.sha256`` file
beside it lets ``sha256sum -c`` check an off-site copy without HITSM.

Restoring goes into an *empty* database and media folder (``force`` replaces contents): the
archive is verified first (nothing is touched if a checksum differs), then PostgreSQL gets
``pg_restore --clean --if-exists --no-owner --no-acl --single-transaction`` and SQLite gets the
copy through the backup API (so a stale ``-wal`` file can never be replayed over it), the files
are written, and the result is checked against the manifest: row counts per table and the
sha256 of every restored file. Passwords reach pg_dump/pg_restore through ``PGPASSWORD`` in
their environment, never on their command line. Operator guide: docs/admin/backup.md.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import shutil
import socket
import sqlite3
import subprocess
import tarfile
import tempfile
import time
import zlib
from collections.abc import Callable, Iterator, Mapping
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO, Any

from django.conf import settings
from django.db import Error as DatabaseError
from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.utils import load_backend
from django.utils import timezone

FORMAT = 1  # manifest format; a newer one is refused rather than half understood
PREFIX = "hitsm-backup-"
SUFFIX = ".tar.gz"
MANIFEST = "manifest.json"
DATABASE_FILES = {"postgresql": "database.pgdump", "sqlite": "database.sqlite3"}
CHUNK = 1024 * 1024
# Photos and voice messages are compressed already; level 1 still shrinks the SQLite file well.
GZIP_LEVEL = 1
# Django's OPTIONS for PostgreSQL that libpq also reads from the environment.
PG_OPTION_VARIABLES = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "passfile": "PGPASSFILE",
    "service": "PGSERVICE",
    "connect_timeout": "PGCONNECT_TIMEOUT",
    "options": "PGOPTIONS",
    "target_session_attrs": "PGTARGETSESSIONATTRS",
}


class BackupError(Exception):
    """A backup, verification or restore that cannot go on; the message is for the operator."""


@dataclass
class Report:
    manifest: dict[str, Any]
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    archive_sha256: str = ""

    @property
    def ok(self) -> bool:
        return not self.problems


# --- what is configured ----------------------------------------------------------------------


def configured_database() -> dict[str, Any]:
    """The ``default`` database's settings, as Django connects to it."""
    return dict(connections["default"].settings_dict)


def configured_media_root() -> Path | None:
    """The local media folder, or None when files live in an S3 bucket (backed up apart)."""
    if getattr(settings, "STORAGE_BACKEND", "local") != "local":
        return None
    return Path(settings.MEDIA_ROOT)


def engine_of(database: Mapping[str, Any]) -> str:
    engine = str(database.get("ENGINE", ""))
    if engine.endswith(".postgresql"):
        return "postgresql"
    if engine.endswith(".sqlite3"):
        return "sqlite"
    raise BackupError(f"database engine {engine!r} is not supported: only PostgreSQL and SQLite")


# --- small helpers ---------------------------------------------------------------------------


class _HashingReader:
    """Reads through to ``raw`` and keeps the sha256 and size of what was read."""

    def __init__(self, raw: IO[bytes]) -> None:
        self._raw = raw
        self._hash = hashlib.sha256()
        self.size = 0

    def read(self, size: int = -1) -> bytes:
        data = self._raw.read(size)
        self._hash.update(data)
        self.size += len(data)
        return data

    def hexdigest(self) -> str:
        return self._hash.hexdigest()


def _digest(stream: IO[bytes]) -> dict[str, Any]:
    reader = _HashingReader(stream)
    while reader.read(CHUNK):
        pass
    return {"sha256": reader.hexdigest(), "size": reader.size}


def _digest_file(path: Path) -> dict[str, Any]:
    with path.open("rb") as stream:
        return _digest(stream)


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _safe_relative(name: str) -> bool:
    parts = name.split("/")
    return not PurePosixPath(name).is_absolute() and all(p not in ("", ".", "..") for p in parts)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _commit() -> str | None:
    """The git commit this code was deployed from, when it runs from a git checkout."""
    git = shutil.which("git")
    if git is None:
        return None
    try:
        repo = str(settings.REPO_DIR)
        # safe.directory: the service user need not own the checkout.
        result = subprocess.run(  # noqa: S603 (fixed argument list, no shell)
            [git, "-c", f"safe.directory={repo}", "-C", repo, "rev-parse", "HEAD"],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    commit = result.stdout.strip()
    return commit if result.returncode == 0 and re.fullmatch(r"[0-9a-f]{40}", commit) else None


def _has_files(root: Path) -> bool:
    return root.is_dir() and any(files for _, _, files in os.walk(root))


def _inside(path: Path, folder: Path) -> bool:
    return path.resolve().is_relative_to(folder.resolve())


# --- PostgreSQL ------------------------------------------------------------------------------


def pg_environment(database: Mapping[str, Any]) -> dict[str, str]:
    """The environment for pg_dump/pg_restore: this process's (as libpq in Django sees it) with
    the configured connection settings on top. The password goes here, never into argv, where
    every user of the machine could read it in ``ps``."""
    values: dict[str, Any] = {
        "PGDATABASE": database.get("NAME"),
        "PGUSER": database.get("USER"),
        "PGPASSWORD": database.get("PASSWORD"),
        "PGHOST": database.get("HOST"),
        "PGPORT": database.get("PORT"),
        "PGAPPNAME": "hitsm-backup",
    }
    options = database.get("OPTIONS") or {}
    for option, variable in PG_OPTION_VARIABLES.items():
        values[variable] = options.get(option)
    env = dict(os.environ)
    env.update({k: str(v) for k, v in values.items() if v not in (None, "")})
    return env


@contextmanager
def _pg_connection(database: Mapping[str, Any]) -> Iterator[BaseDatabaseWrapper]:
    """A private connection (not ``connections["default"]``) with Django's own parameters."""
    settings_dict = connections.configure_settings({"default": dict(database)})["default"]
    wrapper = load_backend(database["ENGINE"]).DatabaseWrapper(settings_dict, "hitsm-backup")
    try:
        wrapper.ensure_connection()
    except DatabaseError as exc:
        hint = (
            " (create it first: createdb -O <user> <name>)" if "does not exist" in str(exc) else ""
        )
        raise BackupError(
            f"cannot connect to PostgreSQL database {database.get('NAME')!r} on "
            f"{database.get('HOST') or 'the local socket'}: {str(exc).strip()}{hint}"
        ) from exc
    try:
        yield wrapper
    finally:
        wrapper.close()


def _pg_tables(cursor: Any) -> list[tuple[str, str]]:
    cursor.execute(
        "SELECT schemaname, tablename FROM pg_catalog.pg_tables "
        "WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1, 2"
    )
    return [(str(schema), str(table)) for schema, table in cursor.fetchall()]


def _pg_counts(cursor: Any) -> dict[str, int]:
    counts = {}
    for schema, table in _pg_tables(cursor):
        key = table if schema == "public" else f"{schema}.{table}"
        # Names come from the catalog and are quoted.
        cursor.execute(f"SELECT count(*) FROM {_quote(schema)}.{_quote(table)}")  # noqa: S608
        counts[key] = int(cursor.fetchone()[0])
    return counts


def _pg_server(cursor: Any) -> tuple[int, str]:
    cursor.execute(
        "SELECT current_setting('server_version_num')::int, current_setting('server_version')"
    )
    number, text = cursor.fetchone()
    return int(number) // 10000, f"PostgreSQL {text}"


def _pg_tool(name: str, pg_bin: str, server_major: int, env: Mapping[str, str]) -> tuple[str, int]:
    """The pg_dump/pg_restore to run and its major version. Without ``pg_bin``: Debian's
    per-version client of the server's major version when installed, else the one on PATH."""
    if pg_bin:
        path = str(Path(pg_bin) / name)
        if not Path(path).is_file():
            raise BackupError(f"{path} not found (--pg-bin {pg_bin})")
    else:
        matching = Path(f"/usr/lib/postgresql/{server_major}/bin/{name}")
        found = str(matching) if matching.is_file() else shutil.which(name)
        if found is None:
            raise BackupError(
                f"{name} not found: install the PostgreSQL {server_major} client "
                f"(apt-get install postgresql-client-{server_major}) or give --pg-bin DIR"
            )
        path = found
    try:
        result = subprocess.run(  # noqa: S603 (fixed argument list, no shell)
            [path, "--version"], capture_output=True, text=True, env=dict(env), timeout=30
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise BackupError(f"cannot run {path}: {exc}") from exc
    match = re.search(r"\(PostgreSQL\)\s+(\d+)", result.stdout)
    if result.returncode != 0 or match is None:
        raise BackupError(f"{path} --version said {result.stdout or result.stderr!r}")
    return path, int(match.group(1))


def _run(args: list[str], env: Mapping[str, str], what: str) -> str:
    try:
        result = subprocess.run(  # noqa: S603 (fixed argument list, no shell, password in env)
            args, capture_output=True, text=True, env=dict(env), check=False
        )
    except OSError as exc:
        raise BackupError(f"cannot run {args[0]}: {exc}") from exc
    if result.returncode != 0:
        raise BackupError(f"{what} failed (exit {result.returncode}): {result.stderr.strip()}")
    return result.stderr.strip()


def _pg_dump(database: Mapping[str, Any], dest: Path, pg_bin: str) -> dict[str, Any]:
    env = pg_environment(database)
    with _pg_connection(database) as wrapper, wrapper.cursor() as cursor:
        server_major, server_version = _pg_server(cursor)
        tool, tool_major = _pg_tool("pg_dump", pg_bin, server_major, env)
        if tool_major < server_major:
            raise BackupError(
                f"{tool} is version {tool_major} but the server runs PostgreSQL {server_major}: "
                f"install postgresql-client-{server_major} or give --pg-bin DIR "
                f"(e.g. /usr/lib/postgresql/{server_major}/bin)"
            )
        # Counts and dump from one snapshot: the transaction that exports it stays open until
        # pg_dump has finished.
        cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        try:
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = str(cursor.fetchone()[0])
            tables = _pg_counts(cursor)
            _run(
                [tool, "--format=custom", f"--snapshot={snapshot}", f"--file={dest}", "-w"],
                env,
                "pg_dump",
            )
        finally:
            cursor.execute("ROLLBACK")
    return {
        "name": database.get("NAME"),
        "server_version": server_version,
        "server_major": server_major,
        "tool_major": tool_major,
        "tables": tables,
    }


def _pg_restore(
    database: Mapping[str, Any], dump: Path, pg_bin: str, dump_major: int, server_major: int
) -> list[str]:
    env = pg_environment(database)
    tool, tool_major = _pg_tool("pg_restore", pg_bin, server_major, env)
    if tool_major < dump_major:
        raise BackupError(
            f"the dump was made by pg_dump {dump_major}, {tool} is version {tool_major}: "
            f"install postgresql-client-{dump_major} or give --pg-bin DIR"
        )
    # --single-transaction: a restore that fails half-way leaves the database as it was.
    # --no-owner/--no-acl: objects belong to the user HITSM connects as, whatever the source's
    # roles were called.
    warnings = _run(
        [
            tool,
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-acl",
            "--single-transaction",
            "--exit-on-error",
            "-w",
            f"--dbname={database['NAME']}",
            str(dump),
        ],
        env,
        "pg_restore",
    )
    with _pg_connection(database) as wrapper, wrapper.cursor() as cursor:
        cursor.execute("ANALYZE")  # pg_restore leaves the planner without statistics
    return [warnings] if warnings else []


# --- SQLite ----------------------------------------------------------------------------------


def _sqlite_uri(path: Path, mode: str) -> str:
    return f"{path.resolve().as_uri()}?mode={mode}"


def _sqlite_counts(connection: sqlite3.Connection) -> dict[str, int]:
    names = [
        row[0]
        for row in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' "
            "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name"
        )
    ]
    # Names come from sqlite_master and are quoted.
    return {
        name: int(connection.execute(f"SELECT count(*) FROM {_quote(name)}").fetchone()[0])  # noqa: S608
        for name in names
    }


def _sqlite_dump(database: Mapping[str, Any], dest: Path) -> dict[str, Any]:
    path = Path(str(database["NAME"]))
    if not path.is_file():
        raise BackupError(f"SQLite database {path} not found: is HITSM_DATA_DIR set as for HITSM?")
    # mode=rw: never create an empty database by mistake; the backup API copies a consistent
    # snapshot while the web server and worker keep writing (WAL).
    with (
        closing(sqlite3.connect(_sqlite_uri(path, "rw"), uri=True, timeout=30)) as source,
        closing(sqlite3.connect(dest)) as copy,
    ):
        source.backup(copy)
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        check = copy.execute("PRAGMA quick_check").fetchone()[0]
        if check != "ok":
            raise BackupError(f"SQLite reports the copy of {path} damaged: {check}")
        tables = _sqlite_counts(copy)
    return {
        "name": str(path),
        "server_version": f"SQLite {sqlite3.sqlite_version}",
        "tables": tables,
    }


def _sqlite_restore(copy: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    # Through the backup API rather than a file copy: SQLite replaces the pages under its own
    # locks and deals with the target's -wal/-shm files.
    with (
        closing(sqlite3.connect(_sqlite_uri(copy, "ro"), uri=True)) as source,
        closing(sqlite3.connect(target, timeout=30)) as dest,
    ):
        source.backup(dest)


# --- the target's current state --------------------------------------------------------------


def table_counts(database: Mapping[str, Any]) -> dict[str, int]:
    """Rows per table in a database (any, not only the configured one)."""
    if engine_of(database) == "sqlite":
        path = Path(str(database["NAME"]))
        if not path.is_file() or path.stat().st_size == 0:
            return {}
        with closing(sqlite3.connect(_sqlite_uri(path, "rw"), uri=True, timeout=30)) as conn:
            return _sqlite_counts(conn)
    with _pg_connection(database) as wrapper, wrapper.cursor() as cursor:
        return _pg_counts(cursor)


def _table_names(database: Mapping[str, Any]) -> list[str]:
    if engine_of(database) == "sqlite":
        path = Path(str(database["NAME"]))
        if not path.is_file() or path.stat().st_size == 0:
            return []
        with closing(sqlite3.connect(_sqlite_uri(path, "rw"), uri=True, timeout=30)) as conn:
            return list(_sqlite_counts(conn))
    with _pg_connection(database) as wrapper, wrapper.cursor() as cursor:
        return [table for _, table in _pg_tables(cursor)]


def _pg_major(database: Mapping[str, Any]) -> int:
    with _pg_connection(database) as wrapper, wrapper.cursor() as cursor:
        return _pg_server(cursor)[0]


# --- the archive -----------------------------------------------------------------------------


def _free_stem(output_dir: Path) -> str:
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    stem, n = f"{PREFIX}{stamp}", 1
    while any((output_dir / f"{stem}{SUFFIX}{end}").exists() for end in ("", ".partial")):
        n += 1
        stem = f"{PREFIX}{stamp}-{n}"
    return stem


def _add_media(tar: tarfile.TarFile, media_root: Path, stem: str) -> dict[str, dict[str, Any]]:
    files: dict[str, dict[str, Any]] = {}
    if not media_root.is_dir():
        return files
    for dirpath, dirnames, filenames in os.walk(media_root):
        dirnames.sort()
        for name in sorted(filenames):
            path = Path(dirpath) / name
            if path.is_symlink() or not path.is_file():
                continue
            rel = path.relative_to(media_root).as_posix()
            try:
                stream = path.open("rb")
            except FileNotFoundError:
                continue  # deleted since the listing (e.g. the orphan sweep)
            with stream:
                info = tar.gettarinfo(arcname=f"{stem}/media/{rel}", fileobj=stream)
                reader = _HashingReader(stream)
                tar.addfile(info, reader)
            files[rel] = {"sha256": reader.hexdigest(), "size": info.size}
    return files


def _scan(archive: Path, visit: Callable[[str, IO[bytes]], None]) -> tuple[str, list[str]]:
    """Read an archive once, start to end, calling ``visit(relative name, stream)`` for each
    file; returns the archive file's own sha256 and any members that have no business there."""
    if not archive.is_file():
        raise BackupError(f"{archive}: no such file")
    problems: list[str] = []
    top: str | None = None
    with archive.open("rb") as raw:
        reader = _HashingReader(raw)
        try:
            with tarfile.open(fileobj=reader, mode="r|gz") as tar:  # type: ignore[call-overload]
                for member in tar:
                    head, _, rel = member.name.partition("/")
                    top = top or head
                    if head != top or not _safe_relative(rel):
                        if not (member.isdir() and head == top and not rel):
                            problems.append(f"{member.name}: unexpected path in the archive")
                        continue
                    if member.isdir():
                        continue
                    stream = tar.extractfile(member) if member.isfile() else None
                    if stream is None:
                        problems.append(f"{member.name}: not a regular file")
                        continue
                    visit(rel, stream)
            while reader.read(CHUNK):  # the rest of the file, for its checksum
                pass
        except (tarfile.TarError, EOFError, zlib.error, OSError) as exc:
            raise BackupError(
                f"{archive} could not be read to the end ({exc}): damaged, cut short, "
                "or not a HITSM backup"
            ) from exc
    return reader.hexdigest(), problems


def _expected_files(manifest: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    database = manifest["database"]
    expected = {database["file"]: {"sha256": database["sha256"], "size": database["size"]}}
    for rel, meta in manifest["media"]["files"].items():
        expected[f"media/{rel}"] = meta
    return expected


def backup_verify(*, archive: Path) -> Report:
    """Check every file in an archive against its manifest, without restoring anything."""
    found: dict[str, dict[str, Any]] = {}
    manifests: list[bytes] = []

    def visit(rel: str, stream: IO[bytes]) -> None:
        if rel == MANIFEST:
            manifests.append(stream.read())
        else:
            found[rel] = _digest(stream)

    archive_sha256, problems = _scan(archive, visit)
    if len(manifests) != 1:
        raise BackupError(f"{archive} has no {MANIFEST}: not a HITSM backup, or cut short")
    try:
        manifest = json.loads(manifests[0])
        fmt = manifest["format"]
        expected = _expected_files(manifest)
    except (ValueError, KeyError, TypeError) as exc:
        raise BackupError(f"{archive}: {MANIFEST} is unreadable ({exc!r})") from exc
    if fmt != FORMAT:
        raise BackupError(
            f"{archive} has manifest format {fmt}; this HITSM reads format {FORMAT}: "
            "use the HITSM version that made it"
        )
    for rel, want in expected.items():
        got = found.get(rel)
        if got is None:
            problems.append(f"{rel}: listed in the manifest but missing from the archive")
        elif (got["sha256"], got["size"]) != (want["sha256"], want["size"]):
            problems.append(
                f"{rel}: differs from the manifest (sha256 {want['sha256'][:16]}…, "
                f"{want['size']} bytes; archive has {got['sha256'][:16]}…, {got['size']} bytes)"
            )
    for rel in sorted(found.keys() - expected.keys()):
        problems.append(f"{rel}: in the archive but not in the manifest")
    return Report(manifest=manifest, problems=problems, archive_sha256=archive_sha256)


def backup_create(
    *,
    output_dir: Path,
    database: Mapping[str, Any],
    media_root: Path | None,
    pg_bin: str = "",
) -> Report:
    """Write one archive of the database and the media folder into ``output_dir``; return the
    read-back verification (``report.manifest["archive"]`` is the archive's path)."""
    engine = engine_of(database)
    started = time.monotonic()
    output_dir.mkdir(parents=True, exist_ok=True)
    if media_root is not None and _inside(output_dir, media_root):
        raise BackupError(f"--output {output_dir} is inside the media folder {media_root}")
    stem = _free_stem(output_dir)
    partial = output_dir / f"{stem}{SUFFIX}.partial"
    final = output_dir / f"{stem}{SUFFIX}"
    with tempfile.TemporaryDirectory(dir=output_dir, prefix=".hitsm-backup-") as work:
        db_file = Path(work) / DATABASE_FILES[engine]
        if engine == "postgresql":
            db_meta = _pg_dump(database, db_file, pg_bin)
        else:
            db_meta = _sqlite_dump(database, db_file)
        db_meta = {"engine": engine, "file": db_file.name, **_digest_file(db_file), **db_meta}
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "wb") as raw:
                with tarfile.open(
                    name=final.name, fileobj=raw, mode="w:gz", compresslevel=GZIP_LEVEL
                ) as tar:
                    tar.add(db_file, arcname=f"{stem}/{db_file.name}", recursive=False)
                    files = _add_media(tar, media_root, stem) if media_root else {}
                    manifest = {
                        "format": FORMAT,
                        "hitsm_version": settings.HITSM_VERSION,
                        "commit": _commit(),
                        "created_at": timezone.localtime().isoformat(timespec="seconds"),
                        "host": socket.gethostname(),
                        "database": db_meta,
                        "media": {
                            "storage": "local" if media_root is not None else "s3",
                            "root": str(media_root) if media_root is not None else "",
                            "count": len(files),
                            "bytes": sum(f["size"] for f in files.values()),
                            "files": files,
                        },
                        "seconds": round(time.monotonic() - started, 1),
                    }
                    data = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
                    info = tarfile.TarInfo(f"{stem}/{MANIFEST}")
                    info.size, info.mtime, info.mode = len(data), int(time.time()), 0o600
                    tar.addfile(info, io.BytesIO(data))
                raw.flush()
                os.fsync(raw.fileno())
            report = backup_verify(archive=partial)
            if not report.ok:
                raise BackupError(
                    "the archive just written does not read back as written (disk fault?):\n  "
                    + "\n  ".join(report.problems)
                )
            os.replace(partial, final)
            sidecar = final.with_name(final.name + ".sha256")
            sidecar.write_text(f"{report.archive_sha256}  {final.name}\n", encoding="utf-8")
            _fsync_dir(output_dir)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    report.manifest["archive"] = str(final)
    return report


def backup_restore(
    *,
    archive: Path,
    database: Mapping[str, Any],
    media_root: Path | None,
    work_dir: Path,
    force: bool = False,
    pg_bin: str = "",
) -> Report:
    """Restore an archive into ``database`` and ``media_root`` and check the result against the
    manifest; ``report.problems`` lists every difference. Refuses (``BackupError``, nothing
    written) a damaged archive, another engine's archive, or a target that is not empty unless
    ``force``."""
    engine = engine_of(database)
    checked = backup_verify(archive=archive)
    if not checked.ok:
        raise BackupError(
            f"{archive} failed verification, nothing was restored:\n  "
            + "\n  ".join(checked.problems)
        )
    manifest = checked.manifest
    db_meta, media_meta = manifest["database"], manifest["media"]
    if db_meta["engine"] != engine:
        raise BackupError(
            f"{archive} holds a {db_meta['engine']} database but HITSM is configured for "
            f"{engine}: restore it into the same kind of database (DATABASE_URL)"
        )
    name = database.get("NAME")
    existing = _table_names(database)
    if existing and not force:
        raise BackupError(
            f"database {name} is not empty ({len(existing)} tables): restore into a new empty "
            "database, or add --force to replace its contents"
        )
    if media_root is not None and not force and _has_files(media_root):
        raise BackupError(
            f"media folder {media_root} already has files: restore into an empty folder, or add "
            "--force to overwrite the archive's files there"
        )
    server_major = _pg_major(database) if engine == "postgresql" else 0
    notes: list[str] = []
    if engine == "postgresql" and server_major < int(db_meta["server_major"]):
        notes.append(
            f"the backup comes from PostgreSQL {db_meta['server_major']}, this server runs "
            f"{server_major}: restoring into an older server may fail"
        )
    if media_root is None and media_meta["files"]:
        notes.append(
            "files are stored in an S3 bucket here: the archive's media/ folder was not "
            "restored; copy it into the bucket (docs/admin/backup.md)"
        )
    if media_meta["storage"] != "local":
        notes.append("the backup's files were in an S3 bucket: restore the bucket separately")

    work_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=work_dir, prefix=".hitsm-restore-") as work:
        db_file = Path(work) / db_meta["file"]

        def visit(rel: str, stream: IO[bytes]) -> None:
            if rel == db_meta["file"]:
                with db_file.open("wb") as out:
                    shutil.copyfileobj(stream, out, CHUNK)
            elif rel.startswith("media/") and media_root is not None:
                _write_media(media_root, rel.removeprefix("media/"), stream)

        _scan(archive, visit)
        if engine == "sqlite":
            _sqlite_restore(db_file, Path(str(name)))
        else:
            notes += _pg_restore(
                database, db_file, pg_bin, int(db_meta["tool_major"]), server_major
            )

    problems = _compare_tables(db_meta["tables"], table_counts(database))
    if media_root is not None:
        problems += _compare_media(media_meta["files"], media_root)
    return Report(manifest=manifest, problems=problems, notes=notes)


def _write_media(media_root: Path, rel: str, stream: IO[bytes]) -> None:
    target = media_root / rel  # rel has no "..", no leading "/" (_scan)
    target.parent.mkdir(parents=True, exist_ok=True)
    if not _inside(target.parent, media_root):  # a symlinked folder in the target
        raise BackupError(f"media/{rel}: would be written outside {media_root}")
    temporary = target.with_name(f".{target.name}.restoring")
    with temporary.open("wb") as out:
        shutil.copyfileobj(stream, out, CHUNK)
    os.replace(temporary, target)


def _compare_tables(expected: Mapping[str, int], actual: Mapping[str, int]) -> list[str]:
    problems = []
    for table, rows in sorted(expected.items()):
        got = actual.get(table)
        if got is None:
            problems.append(f"table {table}: missing after the restore (backup had {rows} rows)")
        elif got != rows:
            problems.append(f"table {table}: {got} rows restored, the backup had {rows}")
    return problems


def _compare_media(expected: Mapping[str, Mapping[str, Any]], media_root: Path) -> list[str]:
    problems = []
    for rel, want in sorted(expected.items()):
        path = media_root / rel
        if not path.is_file():
            problems.append(f"media/{rel}: missing after the restore")
            continue
        got = _digest_file(path)
        if got["sha256"] != want["sha256"]:
            problems.append(f"media/{rel}: restored file's sha256 differs from the manifest")
    return problems
