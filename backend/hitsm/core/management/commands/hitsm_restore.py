"""Restore a backup archive into the configured (empty) database and media folder."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from hitsm.core.backup import (
    BackupError,
    backup_restore,
    configured_database,
    configured_media_root,
    engine_of,
)
from hitsm.core.management.commands.hitsm_backup import describe


class Command(BaseCommand):
    help = (
        "Restore an archive made by hitsm_backup into the database and media folder HITSM is "
        "configured with (DATABASE_URL, HITSM_DATA_DIR), which must be empty unless --force; "
        "then check row counts and file checksums against the archive's manifest. Stop the "
        "HITSM services first."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", type=Path)
        parser.add_argument(
            "--force",
            action="store_true",
            help="replace a database that has tables and overwrite files in the media folder",
        )
        parser.add_argument(
            "--pg-bin",
            default="",
            metavar="DIR",
            help="folder with pg_restore (default: /usr/lib/postgresql/<server version>/bin, "
            "else PATH)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        database = configured_database()
        media_root = configured_media_root()
        try:
            engine = engine_of(database)
            self.stdout.write(
                f"Restoring {options['archive']} into {engine} database {database['NAME']} "
                f"and {media_root or 'no local media folder (S3)'}"
            )
            report = backup_restore(
                archive=options["archive"],
                database=database,
                media_root=media_root,
                work_dir=Path(settings.DATA_DIR),
                force=options["force"],
                pg_bin=options["pg_bin"],
            )
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        for line in describe(report):
            self.stdout.write(line)
        for note in report.notes:
            self.stdout.write(self.style.WARNING(f"  note: {note}"))
        if not report.ok:
            for problem in report.problems:
                self.stderr.write(f"  {problem}")
            raise CommandError(
                f"restored, but {len(report.problems)} difference(s) from the backup, see above"
            )
        tables = report.manifest["database"]["tables"]
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored and checked: {len(tables)} tables ({sum(tables.values()):,} rows) and "
                f"{report.manifest['media']['count']:,} files match the backup. Next: "
                "`manage.py migrate` (if this HITSM is newer than the backup), then start the "
                "services."
            )
        )
