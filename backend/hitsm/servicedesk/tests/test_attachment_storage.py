"""Attachments in an S3-compatible bucket (a real SeaweedFS over HTTP on loopback), and the
environment variables that choose the storage."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from config.env import ImproperlyConfiguredEnv
from config.storage import S3_BACKEND, S3_VARIABLES, file_storage_from_env, s3_storage
from hitsm.servicedesk import playback
from hitsm.servicedesk.models import Attachment, Ticket, TranscodeStatus
from hitsm.servicedesk.services import attachments_sweep_orphans
from hitsm.servicedesk.tests.audio import amr_nb, ffmpeg_available, probe
from hitsm.servicedesk.tests.conftest import jpeg_bytes
from hitsm.servicedesk.tests.seaweedfs import (
    ACCESS_KEY,
    BUCKET,
    SECRET_KEY,
    SeaweedFS,
    SeaweedUnavailable,
)

BACKEND = Path(__file__).resolve().parents[3]
URL = "/api/v1/tickets/"


@pytest.fixture(scope="session")
def seaweed():
    try:
        server = SeaweedFS()
    except SeaweedUnavailable as exc:
        if os.environ.get("CI"):
            pytest.fail(f"{exc}: CI must run the S3 tests, not skip them", pytrace=False)
        pytest.skip(str(exc))
    try:
        server.start()
        yield server
    finally:
        server.stop()


@pytest.fixture
def bucket(seaweed, settings, tmp_path):
    """HITSM's default storage is the SeaweedFS bucket for this test (as HITSM_STORAGE_BACKEND=s3
    with these credentials would make it)."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": s3_storage(
            bucket=BUCKET,
            endpoint_url=seaweed.endpoint_url,
            access_key=ACCESS_KEY,
            secret_key=SECRET_KEY,
        ),
    }
    settings.STORAGE_BACKEND = "s3"
    settings.MEDIA_ROOT = tmp_path / "must-stay-empty"
    yield seaweed
    seaweed.empty_bucket()
    assert not settings.MEDIA_ROOT.exists(), "a file went to local disk instead of the bucket"


def create(client, *files):
    response = client.post(
        URL, {"title": "打印机卡纸", "kind": "incident", "files": list(files)}, format="multipart"
    )
    assert response.status_code == 201, response.json()
    return Ticket.objects.get(pk=response.json()["id"])


def body(response) -> bytes:
    return b"".join(response.streaming_content)


# --- against the bucket -------------------------------------------------------------------------


@pytest.mark.django_db
def test_photos_and_voice_messages_live_in_the_bucket_and_download_through_hitsm(
    bucket, nurse_li, agent_chen, outsider, client_for, tmp_path, django_capture_on_commit_callbacks
):
    ffmpeg_available()
    photo_bytes, voice = jpeg_bytes((640, 480)), amr_nb(seconds=1.0)
    with django_capture_on_commit_callbacks(execute=True):
        ticket = create(
            client_for(nurse_li),
            SimpleUploadedFile("打印机.jpg", photo_bytes),
            SimpleUploadedFile("语音.amr", voice),
        )
    photo = ticket.attachments.get(kind="image")
    sound = ticket.attachments.get(kind="audio")
    assert default_storage.__class__.__name__ == "S3Storage"
    keys = bucket.keys()
    assert photo.file.name in keys and photo.thumbnail.name in keys
    assert sound.file.name in keys
    assert sound.transcode_status == TranscodeStatus.DONE and sound.playback.name in keys
    assert all(k.startswith(("attachments/", "thumbnails/", "playback/")) for k in keys)

    desk = client_for(agent_chen)
    download = desk.get(f"/api/v1/attachments/{photo.pk}/download/")
    assert download.status_code == 200 and download["Content-Type"] == "image/jpeg"
    assert body(download) == photo_bytes
    thumb = desk.get(f"/api/v1/attachments/{photo.pk}/thumbnail/")
    assert thumb.status_code == 200 and body(thumb)[:3] == b"\xff\xd8\xff"
    ranged = desk.get(f"/api/v1/attachments/{sound.pk}/download/", HTTP_RANGE="bytes=0-5")
    assert ranged.status_code == 206 and body(ranged) == b"#!AMR\n"
    played = desk.get(f"/api/v1/attachments/{sound.pk}/playback/")
    assert played.status_code == 200 and played["Content-Type"] == "audio/mpeg"
    assert probe(body(played), tmp_path)["codec_name"] == "mp3"
    assert client_for(outsider).get(f"/api/v1/attachments/{photo.pk}/download/").status_code == 404


@pytest.mark.django_db
def test_the_bucket_refuses_anonymous_reads(bucket, nurse_li, client_for):
    ticket = create(client_for(nurse_li), SimpleUploadedFile("a.jpg", jpeg_bytes()))
    key = ticket.attachments.get().file.name
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(f"{bucket.endpoint_url}/{BUCKET}/{key}", timeout=10)  # noqa: S310
    assert refused.value.code == 403


@pytest.mark.django_db
def test_redirect_mode_hands_out_a_signed_url_that_expires(
    bucket, nurse_li, outsider, client_for, settings
):
    settings.S3_DOWNLOADS = "redirect"
    settings.S3_URL_SECONDS = 2
    voice = amr_nb(seconds=0.5)
    ticket = create(client_for(nurse_li), SimpleUploadedFile("语音.amr", voice))
    attachment = ticket.attachments.get()

    response = client_for(nurse_li).get(f"/api/v1/attachments/{attachment.pk}/download/")
    assert response.status_code == 302
    assert response["Cache-Control"] == "private, no-store"
    location = response["Location"]
    assert location.startswith(f"{bucket.endpoint_url}/{BUCKET}/attachments/")
    assert "X-Amz-Signature=" in location and "X-Amz-Expires=2" in location
    with urllib.request.urlopen(location, timeout=10) as fetched:  # noqa: S310
        assert fetched.read() == voice
        assert fetched.headers["Content-Type"] == "audio/amr"
        assert "%E8%AF%AD%E9%9F%B3.amr" in fetched.headers["Content-Disposition"]
    # Whoever may not see the ticket gets no URL at all.
    assert client_for(outsider).get(
        f"/api/v1/attachments/{attachment.pk}/download/"
    ).status_code == (404)
    time.sleep(3.1)
    with pytest.raises(urllib.error.HTTPError) as expired:
        urllib.request.urlopen(location, timeout=10)  # noqa: S310
    assert expired.value.code == 403


@pytest.mark.django_db
def test_a_custom_domain_gets_urls_signed_for_the_name_browsers_use(
    bucket, nurse_li, client_for, settings
):
    public = f"http://localhost:{bucket.s3_port}"  # another name for the same server
    settings.S3_DOWNLOADS = "redirect"
    settings.S3_PUBLIC_ORIGIN = public
    ticket = create(client_for(nurse_li), SimpleUploadedFile("a.jpg", jpeg_bytes()))
    photo = ticket.attachments.get()
    location = client_for(nurse_li).get(f"/api/v1/attachments/{photo.pk}/thumbnail/")["Location"]
    assert location.startswith(f"{public}/{BUCKET}/thumbnails/")
    with urllib.request.urlopen(location, timeout=10) as fetched:  # noqa: S310
        assert fetched.headers["Content-Type"] == "image/jpeg"
        assert fetched.read()[:3] == b"\xff\xd8\xff"


@pytest.mark.django_db
def test_deleted_tickets_and_failed_uploads_leave_nothing_in_the_bucket(
    bucket, nurse_li, client_for, django_capture_on_commit_callbacks
):
    ffmpeg_available()
    with django_capture_on_commit_callbacks(execute=True):
        kept = create(client_for(nurse_li), SimpleUploadedFile("语音.amr", amr_nb(seconds=0.5)))
        gone = create(
            client_for(nurse_li),
            SimpleUploadedFile("a.jpg", jpeg_bytes()),
            SimpleUploadedFile("b.amr", amr_nb(seconds=0.5)),
        )
    kept_voice = kept.attachments.get()
    assert kept_voice.playback  # the copy was made in the bucket
    # A rolled-back upload leaves files without rows, like a deleted ticket does.
    stray = default_storage.save("attachments/2026/01/rolled-back.jpg", ContentFile(b"\xff\xd8"))
    gone.delete()
    assert len(bucket.keys()) == 1 + 2 + 1 + 1 + 2  # kept + copy, photo + thumb, voice + copy

    removed = attachments_sweep_orphans(older_than_hours=0) + playback.playback_sweep_orphans(
        older_than_hours=0
    )

    assert removed == 5
    assert bucket.keys() == sorted([kept_voice.file.name, kept_voice.playback.name])
    assert not default_storage.exists(stray)
    assert Attachment.objects.get().pk == kept_voice.pk


# --- the environment ----------------------------------------------------------------------------


@pytest.fixture
def env(monkeypatch):
    for name in ("HITSM_STORAGE_BACKEND", *S3_VARIABLES):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(f"{name}_FILE", raising=False)

    def apply(**values: str) -> None:
        for name, value in values.items():
            monkeypatch.setenv(name, value)

    return apply


def test_files_stay_on_local_disk_unless_told_otherwise(env):
    env()
    chosen = file_storage_from_env(site_url="https://itsm.hospital.example")
    assert chosen.backend == "local"
    assert chosen.storage == {"BACKEND": "django.core.files.storage.FileSystemStorage"}


def test_an_s3_bucket_comes_from_the_environment_with_the_secret_in_a_file(env, tmp_path):
    secret = tmp_path / "s3-secret"
    secret.write_text("Secret/From+File\n")
    env(
        HITSM_STORAGE_BACKEND="s3",
        HITSM_S3_ENDPOINT_URL="https://oss.hospital.example:9000",
        HITSM_S3_BUCKET="hitsm-files",
        HITSM_S3_REGION="cn-east-1",
        HITSM_S3_ACCESS_KEY_ID="hitsm",
        HITSM_S3_SECRET_ACCESS_KEY_FILE=str(secret),
        HITSM_S3_ADDRESSING_STYLE="virtual",
        HITSM_S3_DOWNLOADS="redirect",
        HITSM_S3_URL_SECONDS="30",
        HITSM_S3_CUSTOM_DOMAIN="files.hospital.example",
    )
    chosen = file_storage_from_env(site_url="https://itsm.hospital.example")
    options = chosen.storage["OPTIONS"]
    assert chosen.storage["BACKEND"] == S3_BACKEND
    assert (chosen.backend, chosen.downloads, chosen.url_seconds) == ("s3", "redirect", 30)
    assert chosen.public_origin == "https://files.hospital.example"
    assert options["endpoint_url"] == "https://oss.hospital.example:9000"
    assert (options["bucket_name"], options["region_name"]) == ("hitsm-files", "cn-east-1")
    assert (options["access_key"], options["secret_key"]) == ("hitsm", "Secret/From+File")
    assert options["default_acl"] is None and options["querystring_auth"] is True
    assert options["client_config"].s3 == {"addressing_style": "virtual"}
    assert options["client_config"].signature_version == "s3v4"


S3 = {
    "HITSM_STORAGE_BACKEND": "s3",
    "HITSM_S3_BUCKET": "hitsm",
    "HITSM_S3_ENDPOINT_URL": "http://127.0.0.1:8333",
}
REDIRECT = {**S3, "HITSM_S3_DOWNLOADS": "redirect"}


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"HITSM_S3_BUCKET": "hitsm"}, "HITSM_STORAGE_BACKEND is 'local'"),
        ({"HITSM_STORAGE_BACKEND": "minio"}, "must be one of: local, s3"),
        ({"HITSM_STORAGE_BACKEND": "s3"}, "HITSM_S3_BUCKET is required"),
        ({**S3, "HITSM_S3_BUCKET": "Hospital_Files"}, "not a valid bucket name"),
        ({**S3, "HITSM_S3_ENDPOINT_URL": "oss.local:9000"}, "must be a URL starting with"),
        ({**S3, "HITSM_S3_ENDPOINT_URL": "http://oss.local:9000/hitsm"}, "must not have a path"),
        ({**S3, "HITSM_S3_ACCESS_KEY_ID": "hitsm"}, "go together"),
        ({**S3, "HITSM_S3_SECRET_ACCESS_KEY": "x" * 20}, "go together"),
        ({**S3, "HITSM_S3_SECRET_ACCESS_KEY_FILE": "/nonexistent/secret"}, "cannot read"),
        ({**S3, "HITSM_S3_ADDRESSING_STYLE": "virtual"}, "cannot work with"),  # an IP endpoint
        ({**S3, "HITSM_S3_ADDRESSING_STYLE": "dns"}, "must be one of: path, virtual, auto"),
        ({**S3, "HITSM_S3_CA_FILE": "/nonexistent/ca.pem"}, "not a readable file"),
        ({**S3, "HITSM_S3_CA_FILE": __file__}, "plain http://"),
        ({**S3, "HITSM_S3_CUSTOM_DOMAIN": "files.hospital.example"}, "only apply with"),
        ({**S3, "HITSM_S3_URL_SECONDS": "30"}, "only apply with"),
        ({**REDIRECT, "HITSM_S3_URL_SECONDS": "5"}, "below the minimum"),
        ({**REDIRECT, "HITSM_S3_CUSTOM_DOMAIN": "files/x"}, "must be a host name"),
        (REDIRECT, "mixed content"),  # an https site sending browsers to http://
    ],
)
def test_bad_storage_settings_stop_start_up_with_a_clear_message(env, values, message):
    env(**values)
    with pytest.raises(ImproperlyConfiguredEnv, match=message.replace(".", r"\.")):
        file_storage_from_env(site_url="https://itsm.hospital.example")


def _settings_with(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    code = (
        "import config.settings as s; "
        "print(s.STORAGES['default']['BACKEND'], s.STORAGE_BACKEND, s.S3_DOWNLOADS)"
    )
    base = {k: v for k, v in os.environ.items() if not k.startswith(("HITSM_", "DATABASE_URL"))}
    base.update({"HITSM_DATA_DIR": os.environ["HITSM_DATA_DIR"], "HITSM_DEBUG": "true", **env})
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=BACKEND,
        env=base,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_settings_module_switches_to_the_bucket_and_refuses_half_a_configuration():
    good = _settings_with(
        {
            "HITSM_STORAGE_BACKEND": "s3",
            "HITSM_S3_ENDPOINT_URL": "http://127.0.0.1:8333",
            "HITSM_S3_BUCKET": "hitsm",
        }
    )
    assert good.returncode == 0, good.stderr
    assert good.stdout.split() == [S3_BACKEND, "s3", "stream"]

    bad = _settings_with({"HITSM_STORAGE_BACKEND": "s3"})
    assert bad.returncode != 0
    assert "ImproperlyConfiguredEnv: HITSM_S3_BUCKET is required" in bad.stderr
