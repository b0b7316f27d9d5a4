"""Back up the database and the uploaded files into one archive, or verify an archive."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from hitsm.core.backup import (
    BackupError,
    Report,
    backup_create,
    backup_verify,
    configured_database,
    configured_media_root,
)


def _size(n: float) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} GB"


def describe(report: Report) -> list[str]:
    """What an archive holds, in a few lines (shared with hitsm_restore)."""
    manifest = report.manifest
    database, media = manifest["database"], manifest["media"]
    commit = (manifest.get("commit") or "")[:12] or "unknown commit"
    return [
        f"  made:     {manifest['created_at']} on {manifest['host']} by HITSM "
        f"{manifest['hitsm_version']} ({commit})",
        f"  database: {database['engine']} {database['name']} ({database['server_version']}): "
        f"{len(database['tables'])} tables, {sum(database['tables'].values()):,} rows, "
        f"dump {_size(database['size'])}",
        f"  files:    {media['count']:,} ({_size(media['bytes'])})"
        + ("" if media["storage"] == "local" else " — files are in an S3 bucket, not here"),
    ]


class Command(BaseCommand):
    help = (
        "Back up the database (PostgreSQL: pg_dump; SQLite: online backup) and the media folder "
        "into DIR/hitsm-backup-<date>.tar.gz with a manifest of row counts and checksums, read "
        "back and checked. --verify ARCHIVE checks an existing archive without restoring it."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", type=Path, metavar="DIR", help="folder for the archive")
        parser.add_argument(
            "--verify", type=Path, metavar="ARCHIVE", help="check an archive's checksums"
        )
        parser.add_argument(
            "--pg-bin",
            default="",
            metavar="DIR",
            help="folder with pg_dump (default: /usr/lib/postgresql/<server version>/bin, "
            "else PATH)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if bool(options["output"]) == bool(options["verify"]):
            raise CommandError("give --output DIR to make a backup, or --verify ARCHIVE")
        try:
            if options["verify"]:
                self._verify(options["verify"])
            else:
                self._backup(options["output"], options["pg_bin"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc

    def _backup(self, output: Path, pg_bin: str) -> None:
        media_root = configured_media_root()
        started = time.monotonic()
        report = backup_create(
            output_dir=output,
            database=configured_database(),
            media_root=media_root,
            pg_bin=pg_bin,
        )
        archive = Path(report.manifest["archive"])
        self.stdout.write(
            self.style.SUCCESS(f"Backup written: {archive} ({_size(archive.stat().st_size)})")
        )
        for line in describe(report):
            self.stdout.write(line)
        self.stdout.write(
            f"  checked:  read back, every checksum matches; {time.monotonic() - started:.1f} s "
            f"in all; sha256 {report.archive_sha256[:16]}… in {archive.name}.sha256"
        )
        if media_root is None:
            self.stdout.write(
                self.style.WARNING(
                    "Files are stored in an S3 bucket: back the bucket up separately "
                    "(docs/admin/backup.md)."
                )
            )

    def _verify(self, archive: Path) -> None:
        report = backup_verify(archive=archive)
        for line in describe(report):
            self.stdout.write(line)
        if not report.ok:
            for problem in report.problems:
                self.stderr.write(f"  {problem}")
            raise CommandError(f"{archive}: {len(report.problems)} problem(s), see above")
        files = len(report.manifest["media"]["files"]) + 1
        self.stdout.write(
            self.style.SUCCESS(f"{archive}: intact, {files} files match the manifest")
        )
