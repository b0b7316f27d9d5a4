"""Playable copies of voice messages browsers cannot play.

WeCom sends voice messages as AMR, which no browser plays; Ogg and WebM recordings do not play
in Safari (the iPhone WeCom webview). For those, the worker makes an MP3 copy with Debian's
ffmpeg and stores it next to the original, which is kept untouched:

- an ``Attachment`` saved with such a type queues ``tasks.transcode_playback`` after commit;
- the task claims the row with a conditional UPDATE (none → running), so a redelivered task
  never runs ffmpeg twice, converts, stores ``playback/…mp3`` and marks it done (or failed);
- the hourly sweep requeues rows that were never queued (broker down) or whose worker died,
  and deletes playback files no row points at.

Without ffmpeg the attachment stays downloadable: the row is marked failed and a warning is
logged; ``manage.py attachments_transcode --failed`` retries once ffmpeg is installed.
A notification-style row status is used rather than ``core.jobs``: a Job row per voice message
would fill the 后台任务 list and push job toasts to every nurse who sends one.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
import tempfile
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import filetype
from django.conf import settings
from django.core.files import File
from django.core.files.storage import Storage, default_storage
from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hitsm.core.realtime import publish, user_group
from hitsm.servicedesk.models import Attachment, AttachmentKind, TranscodeStatus

logger = logging.getLogger(__name__)

# Sniffed type → ffmpeg demuxer. Naming the demuxer (instead of letting ffmpeg probe) keeps
# uploads away from playlist and concat demuxers that could read other files.
TRANSCODE_INPUT: dict[str, str] = {
    "audio/amr": "amr",
    "audio/amr-wb": "amr",
    "audio/ogg": "ogg",
    "audio/webm": "matroska",
}
PLAYBACK_TYPE = "audio/mpeg"
STALE_AFTER = timedelta(minutes=15)  # a "running" row this old lost its worker
QUEUE_GRACE = timedelta(minutes=10)  # a "none" row this old missed its after-commit queueing


class PlaybackState:
    """What the API tells clients about playing an attachment in the browser."""

    NONE = "none"  # not audio
    PENDING = "pending"  # a playable copy is being made: offer the download meanwhile
    READY = "ready"  # play ``playback_url``
    FAILED = "failed"  # no playable copy (broken file, or no ffmpeg): download only
    choices = [
        (NONE, _("不是语音")),
        (PENDING, _("正在转换")),
        (READY, _("可播放")),
        (FAILED, _("无法在浏览器播放")),
    ]


class TranscodeError(Exception):
    """ffmpeg could not make a playable copy of this file."""


class FfmpegMissing(TranscodeError):
    """ffmpeg is not installed (or HITSM_FFMPEG points nowhere)."""


def transcode_needed(kind: str, content_type: str) -> bool:
    return kind == AttachmentKind.AUDIO and content_type in TRANSCODE_INPUT


def playback_state(attachment: Attachment) -> str:
    if attachment.kind != AttachmentKind.AUDIO:
        return PlaybackState.NONE
    if attachment.content_type not in TRANSCODE_INPUT:
        return PlaybackState.READY  # the original plays as it is
    if attachment.transcode_status == TranscodeStatus.DONE and attachment.playback:
        return PlaybackState.READY
    if attachment.transcode_status == TranscodeStatus.FAILED:
        return PlaybackState.FAILED
    return PlaybackState.PENDING


def playback_url(attachment: Attachment) -> str | None:
    if playback_state(attachment) != PlaybackState.READY:
        return None
    if attachment.content_type not in TRANSCODE_INPUT:
        return reverse("attachment-download", args=[attachment.pk])
    return reverse("attachment-playback", args=[attachment.pk])


def playback_name(attachment: Attachment) -> str:
    """The copy's download name: the original's, ending .mp3."""
    stem = attachment.original_name.rsplit(".", 1)[0] or "voice"
    return f"{stem}.mp3"


# --- ffmpeg -------------------------------------------------------------------------------------


def ffmpeg_path() -> str | None:
    return shutil.which(settings.FFMPEG)


def transcode_to_mp3(source: Path, target: Path, *, input_format: str) -> None:
    """Mono 44.1 kHz 64 kbit/s MP3: MPEG-1 layer III plays in every browser and webview."""
    ffmpeg = ffmpeg_path()
    if ffmpeg is None:
        raise FfmpegMissing(f"ffmpeg not found (HITSM_FFMPEG={settings.FFMPEG!r})")
    command = [
        ffmpeg,
        *("-nostdin", "-hide_banner", "-loglevel", "error"),
        *("-protocol_whitelist", "file", "-f", input_format, "-i", str(source)),
        *("-map", "0:a:0", "-vn", "-sn", "-dn", "-map_metadata", "-1"),
        *("-ac", "1", "-ar", "44100", "-c:a", "libmp3lame", "-b:a", "64k"),
        # No ID3 or Xing header: the file starts with audio frames, and a file without a
        # single decodable frame comes out empty instead of as a playable silence.
        *("-id3v2_version", "0", "-write_xing", "0"),
        *("-threads", "1", "-f", "mp3", "-y", str(target)),
    ]
    try:
        result = subprocess.run(  # noqa: S603 — a fixed argument list, never a shell string
            command,
            capture_output=True,
            timeout=settings.TRANSCODE_TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:  # run() has already killed ffmpeg
        raise TranscodeError(f"ffmpeg did not finish in {settings.TRANSCODE_TIMEOUT} s") from exc
    except OSError as exc:
        raise FfmpegMissing(f"ffmpeg could not be started: {exc}") from exc
    if result.returncode != 0:
        detail = result.stderr.decode("utf-8", "replace").strip()[-500:]
        raise TranscodeError(f"ffmpeg exited with {result.returncode}: {detail}")
    head = b""
    if target.exists():
        with target.open("rb") as handle:
            head = handle.read(8192)
    guess = filetype.guess(head) if head else None
    if guess is None or guess.mime != PLAYBACK_TYPE:
        raise TranscodeError("no audio could be decoded from the file")


# --- the worker's side --------------------------------------------------------------------------


def attachment_transcode(*, attachment_id: int) -> bool:
    """Claim (none → running) and make one playable copy; False when not ours to make."""
    claimed = Attachment.objects.filter(
        pk=attachment_id,
        kind=AttachmentKind.AUDIO,
        content_type__in=list(TRANSCODE_INPUT),
        transcode_status=TranscodeStatus.NONE,
    ).update(transcode_status=TranscodeStatus.RUNNING, transcode_started_at=timezone.now())
    if not claimed:
        return False
    attachment = Attachment.objects.select_related("ticket").get(pk=attachment_id)
    try:
        stored = _make_copy(attachment)
    except TranscodeError as exc:
        log = logger.warning if isinstance(exc, FfmpegMissing) else logger.error
        log(
            "attachment %s (%s): no playable copy, it stays download-only: %s",
            attachment.pk,
            attachment.content_type,
            exc,
        )
        _finish(attachment.pk, status=TranscodeStatus.FAILED)
        return True
    except Exception:
        # Storage trouble (the bucket is down): give the row back for the hourly retry.
        _finish(attachment.pk, status=TranscodeStatus.NONE)
        raise
    if not _finish(attachment.pk, status=TranscodeStatus.DONE, playback=stored):
        default_storage.delete(stored)  # the row went away (or was reset) meanwhile
        return False
    _announce(attachment)
    if settings.SPEECH_TRANSCRIBER:
        from hitsm.servicedesk.transcribe import attachment_transcribe

        attachment.refresh_from_db()
        attachment_transcribe(attachment)
    return True


def _make_copy(attachment: Attachment) -> str:
    with tempfile.TemporaryDirectory(prefix="hitsm-transcode-") as workdir:
        source = Path(workdir) / "source"
        target = Path(workdir) / "playback.mp3"
        with attachment.file.open("rb") as stored, source.open("wb") as copy:
            shutil.copyfileobj(stored, copy, 1024 * 1024)
        transcode_to_mp3(source, target, input_format=TRANSCODE_INPUT[attachment.content_type])
        stem = Path(attachment.file.name).stem
        with target.open("rb") as handle:
            attachment.playback.save(f"{stem}.mp3", File(handle), save=False)
    return str(attachment.playback.name)


def _finish(pk: int, *, status: str, playback: str = "") -> bool:
    values: dict[str, Any] = {"transcode_status": status}
    if playback:
        values["playback"] = playback
    if status == TranscodeStatus.NONE:
        values["transcode_started_at"] = None
    rows = Attachment.objects.filter(pk=pk, transcode_status=TranscodeStatus.RUNNING).update(
        **values
    )
    return bool(rows)


def _announce(attachment: Attachment) -> None:
    """Open ticket pages reload (the same frame a new timeline entry sends)."""
    from hitsm.servicedesk.services import _audience

    groups = _audience(attachment.ticket)
    if not attachment.public:  # requesters never hear of internal attachments
        groups = [g for g in groups if g != user_group(attachment.ticket.requester_id)]
    publish(groups, "ticket.event", {"ticket": attachment.ticket_id, "event": attachment.event_id})


# --- queueing -----------------------------------------------------------------------------------


def transcode_enqueue(attachment_id: int) -> None:
    from hitsm.servicedesk.tasks import transcode_playback

    try:
        transcode_playback.delay(attachment_id)
    except Exception:  # the broker is down: the hourly sweep queues it again
        logger.warning("could not queue transcoding of attachment %s; will retry", attachment_id)


@receiver(post_save, sender=Attachment, dispatch_uid="servicedesk.attachment_transcode")
def _queue_transcode(
    sender: type[Attachment], instance: Attachment, created: bool, raw: bool = False, **_: Any
) -> None:
    """A side effect only: queue the worker after commit (the row is not changed here)."""
    if created and not raw and transcode_needed(instance.kind, instance.content_type):
        pk = instance.pk
        transaction.on_commit(lambda: transcode_enqueue(pk))


def transcode_requeue(*, limit: int = 500) -> int:
    """Queue copies that were never queued or whose worker died; returns how many."""
    now = timezone.now()
    Attachment.objects.filter(
        transcode_status=TranscodeStatus.RUNNING, transcode_started_at__lt=now - STALE_AFTER
    ).update(transcode_status=TranscodeStatus.NONE, transcode_started_at=None)
    ids = list(
        Attachment.objects.filter(
            kind=AttachmentKind.AUDIO,
            content_type__in=list(TRANSCODE_INPUT),
            transcode_status=TranscodeStatus.NONE,
            created_at__lt=now - QUEUE_GRACE,
        )
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )
    for pk in ids:
        transcode_enqueue(pk)
    return len(ids)


def transcode_retry_failed() -> int:
    """After installing ffmpeg: failed rows go back to the queue."""
    return Attachment.objects.filter(transcode_status=TranscodeStatus.FAILED).update(
        transcode_status=TranscodeStatus.NONE, transcode_started_at=None
    )


def playback_sweep_orphans(*, older_than_hours: int = 6) -> int:
    """Delete playable copies no attachment row points at (rows deleted, or lost races)."""
    cutoff = timezone.now() - timedelta(hours=older_than_hours)
    known = set(Attachment.objects.exclude(playback="").values_list("playback", flat=True))
    return _sweep(default_storage, "playback", known, cutoff)


def _sweep(storage: Storage, path: str, known: set[str], cutoff: datetime) -> int:
    try:
        folders, files = storage.listdir(path)
    except FileNotFoundError:
        return 0
    removed = 0
    for name in files:
        full = f"{path}/{name}"
        if full not in known and storage.get_modified_time(full) < cutoff:
            storage.delete(full)
            removed += 1
    for folder in folders:
        removed += _sweep(storage, f"{path}/{folder}", known, cutoff)
    return removed
