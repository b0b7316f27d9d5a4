"""Voice messages: AMR/M4A sniffing, MP3 copies made by ffmpeg in the worker, playback in the
API, and ranged downloads (iOS plays audio only from servers that answer Range requests).

Every audio file here is real: AMR from the reference encoders, the rest from ffmpeg
(hitsm.servicedesk.tests.audio), and what HITSM produces is checked with ffprobe.
"""

from __future__ import annotations

import io
import logging
from datetime import timedelta

import pytest
import time_machine
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

from hitsm.servicedesk import attachments, playback
from hitsm.servicedesk.models import Attachment, TranscodeStatus
from hitsm.servicedesk.tests.audio import amr_nb, amr_wb, ffmpeg_available, ffmpeg_make, probe

pytestmark = pytest.mark.django_db
URL = "/api/v1/tickets/"
SINE = ("-f", "lavfi", "-i", "sine=frequency=440:duration=1")


def upload(client, name, content, **fields):
    data = {
        "title": "语音报修",
        "kind": "incident",
        **fields,
        "files": [SimpleUploadedFile(name, content)],
    }
    response = client.post(URL, data, format="multipart")
    assert response.status_code == 201, response.json()
    return Attachment.objects.get(ticket_id=response.json()["id"])


def api_attachment(client, attachment):
    events = client.get(f"{URL}{attachment.ticket_id}/events/").json()
    return next(a for e in events for a in e["attachments"] if a["id"] == attachment.pk)


@pytest.fixture
def ffmpeg():
    ffmpeg_available()


# --- sniffing -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("make", "name", "mime", "stored"),
    [(amr_nb, "语音.amr", "audio/amr", ".amr"), (amr_wb, "语音.amr", "audio/amr-wb", ".awb")],
)
def test_wecom_amr_voice_messages_are_recognised_by_their_header(make, name, mime, stored):
    checked = attachments.check_upload(SimpleUploadedFile(name, make()))
    assert (checked.kind, checked.content_type) == ("audio", mime)
    assert checked.storage_name.endswith(stored)


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("voice.m4a", ("-c:a", "aac", "-f", "ipod")),  # "M4A " brand, as iPhones record
        ("voice.m4a", ("-c:a", "aac", "-f", "mp4")),  # "isom" brand, as Android recorders do
        ("voice.m4a", ("-c:a", "aac", "-f", "mov")),  # QuickTime container
        ("voice.mp4", ("-c:a", "aac", "-f", "mp4")),  # audio-only MP4 named .mp4
    ],
)
def test_m4a_audio_is_audio_mp4_whatever_its_brand(ffmpeg, tmp_path, name, args):
    content = ffmpeg_make(tmp_path, "out", *SINE, *args)
    checked = attachments.check_upload(SimpleUploadedFile(name, content))
    assert (checked.kind, checked.content_type) == ("audio", "audio/mp4")
    assert checked.storage_name.endswith(".m4a")


def test_a_video_is_still_a_video_and_cannot_pose_as_m4a(ffmpeg, tmp_path):
    video = ffmpeg_make(
        tmp_path,
        "out",
        *("-f", "lavfi", "-i", "testsrc=duration=1:size=64x48:rate=5", *SINE),
        *("-c:v", "mpeg4", "-c:a", "aac", "-f", "mp4"),
    )
    checked = attachments.check_upload(SimpleUploadedFile("ward.mp4", video))
    assert (checked.kind, checked.content_type) == ("video", "video/mp4")
    with pytest.raises(Exception, match=r"\.m4a"):
        attachments.check_upload(SimpleUploadedFile("ward.m4a", video))


# --- the playable copy --------------------------------------------------------------------------


def test_an_amr_voice_message_gets_a_playable_mp3_copy_and_keeps_its_original(
    ffmpeg, nurse_li, agent_chen, client_for, tmp_path, django_capture_on_commit_callbacks
):
    original = amr_nb(seconds=2.0)
    assert probe(original, tmp_path)["codec_name"] == "amr_nb"

    with django_capture_on_commit_callbacks(execute=True):
        attachment = upload(client_for(nurse_li), "语音.amr", original)

    attachment.refresh_from_db()
    assert attachment.transcode_status == TranscodeStatus.DONE
    assert attachment.playback.name.startswith("playback/") and attachment.playback.name.endswith(
        ".mp3"
    )
    with attachment.file.open("rb") as stored:
        assert stored.read() == original  # the original is kept as it came
    with attachment.playback.open("rb") as copy:
        mp3 = copy.read()
    info = probe(mp3, tmp_path)
    assert (info["codec_name"], info["sample_rate"], info["channels"]) == ("mp3", "44100", "1")
    assert float(info["duration"]) == pytest.approx(2.0, abs=0.15)

    desk = client_for(agent_chen)
    item = api_attachment(desk, attachment)
    assert item["playback_status"] == "ready"
    assert item["playback_url"] == f"/api/v1/attachments/{attachment.pk}/playback/"
    assert item["url"] == f"/api/v1/attachments/{attachment.pk}/download/"
    played = desk.get(item["playback_url"])
    assert played.status_code == 200
    assert played["Content-Type"] == "audio/mpeg"
    assert (
        "inline" in played["Content-Disposition"]
        and "%E8%AF%AD%E9%9F%B3.mp3" in (played["Content-Disposition"])
    )
    assert b"".join(played.streaming_content) == mp3
    download = desk.get(item["url"])
    assert download["Content-Type"] == "audio/amr"
    assert b"".join(download.streaming_content) == original


def test_amr_wideband_is_converted_too(
    ffmpeg, nurse_li, client_for, tmp_path, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        attachment = upload(client_for(nurse_li), "voice.amr", amr_wb())
    attachment.refresh_from_db()
    assert attachment.content_type == "audio/amr-wb"
    with attachment.playback.open("rb") as copy:
        assert probe(copy.read(), tmp_path)["codec_name"] == "mp3"


def test_while_the_copy_is_made_the_api_offers_the_download(nurse_li, client_for):
    client = client_for(nurse_li)
    attachment = upload(client, "voice.amr", amr_nb(seconds=0.5))  # after-commit queue not run
    item = api_attachment(client, attachment)
    assert (item["playback_status"], item["playback_url"]) == ("pending", None)
    assert client.get(item["url"]).status_code == 200
    assert client.get(f"/api/v1/attachments/{attachment.pk}/playback/").status_code == 404


def test_mp3_and_m4a_play_as_they_are(ffmpeg, nurse_li, client_for, tmp_path):
    client = client_for(nurse_li)
    for name, args in (("a.mp3", ("-c:a", "libmp3lame", "-f", "mp3")), ("b.m4a", ("-f", "ipod"))):
        attachment = upload(client, name, ffmpeg_make(tmp_path, name, *SINE, *args))
        item = api_attachment(client, attachment)
        assert item["playback_status"] == "ready"
        assert item["playback_url"] == item["url"]
        assert attachment.transcode_status == TranscodeStatus.NONE


def test_photos_have_no_playback(nurse_li, client_for, photo):
    response = client_for(nurse_li).post(
        URL, {"title": "打印机", "kind": "incident", "files": [photo]}, format="multipart"
    )
    attachment = Attachment.objects.get(ticket_id=response.json()["id"])
    item = api_attachment(client_for(nurse_li), attachment)
    assert (item["playback_status"], item["playback_url"]) == ("none", None)


def test_without_ffmpeg_a_voice_message_stays_downloadable_and_the_failure_is_logged(
    nurse_li, client_for, settings, caplog, django_capture_on_commit_callbacks
):
    settings.FFMPEG = "/nonexistent/ffmpeg"
    client = client_for(nurse_li)
    original = amr_nb(seconds=0.5)
    with (
        caplog.at_level(logging.WARNING, logger="hitsm.servicedesk.playback"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        attachment = upload(client, "voice.amr", original)
    assert "ffmpeg not found" in caplog.text and "download-only" in caplog.text
    attachment.refresh_from_db()
    assert attachment.transcode_status == TranscodeStatus.FAILED
    item = api_attachment(client, attachment)
    assert (item["playback_status"], item["playback_url"]) == ("failed", None)
    download = client.get(item["url"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == original


def test_failed_copies_are_made_once_ffmpeg_is_installed(ffmpeg, nurse_li, client_for, settings):
    attachment = upload(client_for(nurse_li), "voice.amr", amr_nb(seconds=0.5))
    Attachment.objects.filter(pk=attachment.pk).update(transcode_status=TranscodeStatus.FAILED)

    call_command("attachments_transcode", "--failed", "--now", stdout=io.StringIO())

    attachment.refresh_from_db()
    assert attachment.transcode_status == TranscodeStatus.DONE and attachment.playback


def test_a_voice_message_without_decodable_audio_fails_cleanly(
    ffmpeg, nurse_li, client_for, caplog, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        attachment = upload(client_for(nurse_li), "voice.amr", b"#!AMR\n")  # header, no frames
    attachment.refresh_from_db()
    assert attachment.transcode_status == TranscodeStatus.FAILED
    assert not attachment.playback
    assert "no audio could be decoded" in caplog.text
    assert not default_storage.exists("playback")


def test_a_conversion_that_runs_too_long_is_stopped(ffmpeg, nurse_li, client_for, settings):
    attachment = upload(client_for(nurse_li), "voice.amr", amr_nb(seconds=60))
    settings.TRANSCODE_TIMEOUT = 0.001
    assert playback.attachment_transcode(attachment_id=attachment.pk)
    attachment.refresh_from_db()
    assert attachment.transcode_status == TranscodeStatus.FAILED


def test_a_redelivered_task_does_not_convert_twice(ffmpeg, nurse_li, client_for):
    attachment = upload(client_for(nurse_li), "voice.amr", amr_nb(seconds=0.5))
    assert playback.attachment_transcode(attachment_id=attachment.pk) is True
    first = Attachment.objects.get(pk=attachment.pk).playback.name
    assert playback.attachment_transcode(attachment_id=attachment.pk) is False
    assert Attachment.objects.get(pk=attachment.pk).playback.name == first


def test_the_hourly_sweep_requeues_lost_and_stuck_conversions(ffmpeg, nurse_li, client_for):
    from hitsm.servicedesk.tasks import sweep_orphans

    client = client_for(nurse_li)
    never_queued = upload(client, "a.amr", amr_nb(seconds=0.5))
    worker_died = upload(client, "b.amr", amr_nb(seconds=0.5))
    Attachment.objects.filter(pk=worker_died.pk).update(
        transcode_status=TranscodeStatus.RUNNING, transcode_started_at=timezone.now()
    )
    sweep_orphans()  # too recent: maybe still in the queue, or still running
    assert not Attachment.objects.filter(transcode_status=TranscodeStatus.DONE).exists()

    with time_machine.travel(timezone.now() + timedelta(minutes=20)):
        sweep_orphans()  # the eager test broker runs the queued task at once

    for attachment in (never_queued, worker_died):
        attachment.refresh_from_db()
        assert attachment.transcode_status == TranscodeStatus.DONE, attachment.original_name


def test_playback_files_no_row_points_at_are_swept(ffmpeg, nurse_li, client_for):
    kept = upload(client_for(nurse_li), "voice.amr", amr_nb(seconds=0.5))
    playback.attachment_transcode(attachment_id=kept.pk)
    kept.refresh_from_db()
    orphan = default_storage.save("playback/2026/01/orphan.mp3", _content(b"\xff\xfb" * 100))

    assert playback.playback_sweep_orphans() == 0  # younger than six hours
    with time_machine.travel(timezone.now() + timedelta(hours=7)):
        assert playback.playback_sweep_orphans() == 1
    assert not default_storage.exists(orphan)
    assert default_storage.exists(kept.playback.name)


def test_internal_voice_notes_convert_without_telling_the_requester(
    ffmpeg, nurse_li, agent_chen, client_for, make_ticket, monkeypatch
):
    sent = []
    monkeypatch.setattr(playback, "publish", lambda groups, kind, payload: sent.append(groups))
    ticket = make_ticket()
    response = client_for(agent_chen).post(
        f"{URL}{ticket.pk}/attach/",
        {"files": [SimpleUploadedFile("note.amr", amr_nb(seconds=0.5))], "internal": True},
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    assert playback.attachment_transcode(attachment_id=response.json()[0]["id"])
    assert sent and f"user.{nurse_li.pk}" not in sent[0]
    assert "role.agent" in sent[0]


# --- ranged downloads ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "status", "expected", "content_range"),
    [
        ("bytes=0-9", 206, slice(0, 10), "bytes 0-9/{n}"),
        ("bytes=10-", 206, slice(10, None), "bytes 10-{last}/{n}"),
        ("bytes=-16", 206, slice(-16, None), "bytes {tail}-{last}/{n}"),
        ("bytes=5-99999999", 206, slice(5, None), "bytes 5-{last}/{n}"),
        ("bytes=0-1,4-5", 200, slice(None), None),  # several ranges: the whole file
        ("pages=1-2", 200, slice(None), None),
        ("bytes=9-3", 200, slice(None), None),
    ],
)
def test_downloads_answer_single_byte_ranges(
    nurse_li, client_for, header, status, expected, content_range
):
    client = client_for(nurse_li)
    original = amr_nb(seconds=0.5)
    attachment = upload(client, "voice.amr", original)
    response = client.get(f"/api/v1/attachments/{attachment.pk}/download/", HTTP_RANGE=header)
    assert response.status_code == status
    body = b"".join(response.streaming_content)
    assert body == original[expected]
    assert response["Content-Length"] == str(len(body))
    assert response["Accept-Ranges"] == "bytes"
    n = len(original)
    if content_range:
        assert response["Content-Range"] == content_range.format(n=n, last=n - 1, tail=n - 16)


def test_a_range_past_the_end_is_refused_with_416(nurse_li, client_for):
    client = client_for(nurse_li)
    original = amr_nb(seconds=0.5)
    attachment = upload(client, "voice.amr", original)
    response = client.get(
        f"/api/v1/attachments/{attachment.pk}/download/", HTTP_RANGE=f"bytes={len(original)}-"
    )
    assert response.status_code == 416
    assert response["Content-Range"] == f"bytes */{len(original)}"


def test_a_missing_stored_file_is_a_404_not_a_crash(nurse_li, client_for):
    client = client_for(nurse_li)
    attachment = upload(client, "voice.amr", amr_nb(seconds=0.5))
    default_storage.delete(attachment.file.name)
    response = client.get(f"/api/v1/attachments/{attachment.pk}/download/")
    assert response.status_code == 404
    assert response.json()["error"]["code"]


def _content(data: bytes):
    from django.core.files.base import ContentFile

    return ContentFile(data)


class EchoTranscriber:
    """A hospital's own speech-to-text service, as the pluggable interface sees it."""

    calls: list[tuple[int, str]] = []

    def transcribe(self, audio: bytes, content_type: str) -> str:
        EchoTranscriber.calls.append((len(audio), content_type))
        return "门诊三楼打印机卡纸了"


def test_a_configured_transcriber_puts_the_words_on_the_timeline_for_it_staff(
    ffmpeg, nurse_li, agent_chen, client_for, settings, django_capture_on_commit_callbacks
):
    settings.SPEECH_TRANSCRIBER = f"{__name__}.EchoTranscriber"
    EchoTranscriber.calls.clear()
    with django_capture_on_commit_callbacks(execute=True):
        attachment = upload(client_for(nurse_li), "语音.amr", amr_nb(seconds=1.0))
    assert EchoTranscriber.calls and EchoTranscriber.calls[0][1] == "audio/mpeg"
    desk_events = client_for(agent_chen).get(f"{URL}{attachment.ticket_id}/events/").json()
    assert any("门诊三楼打印机卡纸了" in e["body"] for e in desk_events)
    own_events = client_for(nurse_li).get(f"{URL}{attachment.ticket_id}/events/").json()
    assert not any("门诊三楼打印机卡纸了" in e["body"] for e in own_events)  # an internal note


def test_without_a_transcriber_nothing_is_transcribed(
    ffmpeg, nurse_li, client_for, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        attachment = upload(client_for(nurse_li), "语音.amr", amr_nb(seconds=1.0))
    attachment.refresh_from_db()
    assert attachment.transcode_status == TranscodeStatus.DONE
    assert not attachment.ticket.events.filter(data__transcript=True).exists()
