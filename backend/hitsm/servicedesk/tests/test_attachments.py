import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from hitsm.servicedesk.models import Attachment, Ticket
from hitsm.servicedesk.tests.conftest import jpeg_bytes

pytestmark = pytest.mark.django_db
URL = "/api/v1/tickets/"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200
WAV = (
    b"RIFF"
    + (36).to_bytes(4, "little")
    + b"WAVEfmt "
    + (16).to_bytes(4, "little")
    + b"\x01\x00\x01\x00\x40\x1f\x00\x00\x80\x3e\x00\x00\x02\x00\x10\x00data"
    + (0).to_bytes(4, "little")
)
AMR = b"#!AMR\n" + b"\x3c" + b"\x00" * 31


def create(client, *files, **fields):
    data = {"title": "打印机卡纸", "kind": "incident", **fields, "files": list(files)}
    return client.post(URL, data, format="multipart")


def test_a_photo_is_stored_with_a_thumbnail_and_served_inline(
    nurse_li, agent_chen, client_for, photo
):
    response = create(client_for(nurse_li), photo)
    assert response.status_code == 201, response.json()
    ticket = Ticket.objects.get(pk=response.json()["id"])
    attachment = ticket.attachments.get()
    assert (attachment.kind, attachment.content_type) == ("image", "image/jpeg")
    assert attachment.original_name == "打印机.jpg"
    assert attachment.file.name.endswith(".jpg") and "打印机" not in attachment.file.name
    assert attachment.thumbnail
    download = client_for(agent_chen).get(f"/api/v1/attachments/{attachment.pk}/download/")
    assert download.status_code == 200
    assert download["Content-Type"] == "image/jpeg"
    assert download["X-Content-Type-Options"] == "nosniff"
    assert "inline" in download["Content-Disposition"]
    assert (
        client_for(agent_chen).get(f"/api/v1/attachments/{attachment.pk}/thumbnail/").status_code
        == 200
    )


@pytest.mark.parametrize(
    ("name", "content", "ctype"),
    [
        ("voice.amr", AMR, "audio/amr"),
        ("voice.wav", WAV, "audio/x-wav"),
        ("日志.txt", "错误代码 0x80070005".encode("gb18030"), "text/plain"),
    ],
)
def test_voice_and_text_files_are_accepted(nurse_li, client_for, name, content, ctype):
    response = create(client_for(nurse_li), SimpleUploadedFile(name, content, content_type=ctype))
    assert response.status_code == 201, response.json()


@pytest.mark.parametrize(
    ("name", "content", "fragment"),
    [
        ("photo.jpg", EXE, "不支持的文件类型"),
        ("setup.exe", EXE, "不支持的文件类型"),
        ("photo.png", jpeg_bytes(), None),
        ("voice.jpg", AMR, "与扩展名 .jpg 不符"),
        ("report.txt", b"\x00\x01\x02binary", "不支持的文件类型"),
        ("empty.jpg", b"", "空"),
    ],
)
def test_bad_uploads_are_refused_and_nothing_is_written(
    nurse_li, client_for, name, content, fragment
):
    response = create(client_for(nurse_li), SimpleUploadedFile(name, content))
    if fragment is None:  # a JPEG called .png is still an image: accepted, stored as .jpg
        assert response.status_code == 201
        return
    assert response.status_code == 400, response.json()
    error = response.json()["error"]
    assert error["code"] in ("attachment.refused", "validation_error")
    assert fragment in str(error)
    assert not Ticket.objects.exists() and not Attachment.objects.exists()


def test_oversize_uploads_are_refused(nurse_li, client_for, monkeypatch):
    from hitsm.servicedesk import attachments

    monkeypatch.setitem(attachments.LIMITS, "image", 1000)
    response = create(client_for(nurse_li), SimpleUploadedFile("big.jpg", jpeg_bytes((400, 400))))
    assert response.status_code == 400
    assert "不能超过" in response.json()["error"]["message"]


def test_image_bombs_are_refused(nurse_li, client_for, monkeypatch):
    from hitsm.servicedesk import attachments

    monkeypatch.setattr(attachments, "MAX_IMAGE_PIXELS", 100)
    response = create(client_for(nurse_li), SimpleUploadedFile("big.jpg", jpeg_bytes((50, 50))))
    assert response.status_code == 400
    assert "尺寸过大" in response.json()["error"]["message"]


def test_path_tricks_in_names_are_neutralised(nurse_li, client_for):
    response = create(
        client_for(nurse_li), SimpleUploadedFile("../../etc/passwd.jpg", jpeg_bytes())
    )
    attachment = Attachment.objects.get(ticket_id=response.json()["id"])
    assert attachment.original_name == "passwd.jpg"
    assert ".." not in attachment.file.name


def test_other_departments_cannot_download(nurse_li, outsider, client_for, photo):
    ticket_id = create(client_for(nurse_li), photo).json()["id"]
    attachment = Attachment.objects.get(ticket_id=ticket_id)
    assert (
        client_for(outsider).get(f"/api/v1/attachments/{attachment.pk}/download/").status_code
        == 404
    )


def test_internal_attachments_stay_internal(nurse_li, agent_chen, client_for, make_ticket):
    ticket = make_ticket()
    response = client_for(agent_chen).post(
        f"{URL}{ticket.pk}/attach/",
        {"files": [SimpleUploadedFile("log.txt", b"internal")], "internal": True},
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    attachment_id = response.json()[0]["id"]
    assert (
        client_for(nurse_li).get(f"/api/v1/attachments/{attachment_id}/download/").status_code
        == 404
    )


def test_a_browser_voice_note_in_webm_is_stored_as_audio(nurse_li, client_for):
    # EBML header, DocType webm, a Tracks element with one audio track (TrackType 0x83 = 2)
    webm = (
        b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\xf7\x81\x01\x42\xf2\x81\x04\x42\xf3\x81"
        b"\x08\x42\x82\x84webm\x42\x87\x81\x04\x42\x85\x81\x02" + b"\x16\x54\xae\x6b\x8a"
        b"\xae\x88\xd7\x81\x01\x83\x81\x02\x86\x86A_OPUS" + b"\x00" * 64
    )
    response = create(client_for(nurse_li), SimpleUploadedFile("voice.webm", webm))
    assert response.status_code == 201, response.json()
    assert Attachment.objects.get(ticket_id=response.json()["id"]).kind == "audio"


def test_a_ticket_can_be_created_from_the_description_alone(nurse_li, client_for):
    response = client_for(nurse_li).post(
        URL, {"description": "打印机卡纸\n处方打不出来"}, format="json"
    )
    assert response.status_code == 201, response.json()
    assert response.json()["title"] == "打印机卡纸"
    detail = client_for(nurse_li).get(f"{URL}{response.json()['id']}/").json()
    assert "phone_ext" in detail["requester"]


# --- upload abuse (issue 12) -------------------------------------------------------------------

SVG_SCRIPT = (
    b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.cookie)</script></svg>'
)
HTML = b"<!doctype html><html><body><script>fetch('/api/v1/auth/me/')</script></body></html>"


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("chart.svg", SVG_SCRIPT),  # SVG runs script when opened: never accepted
        ("chart.png", SVG_SCRIPT),  # … not under an image name either
        ("page.html", HTML),
        ("page.jpg", HTML),  # HTML posing as a photo
    ],
)
def test_script_carrying_uploads_are_refused(nurse_li, client_for, name, content):
    response = create(client_for(nurse_li), SimpleUploadedFile(name, content))
    assert response.status_code == 400, response.json()
    assert not Attachment.objects.exists()


def test_a_jpeg_html_polyglot_is_only_ever_served_as_an_inert_image(
    nurse_li, agent_chen, client_for
):
    # A real JPEG with an HTML payload appended: a valid image, so it is stored, but it is
    # served with its sniffed type, nosniff and a sandboxing CSP, so no browser runs it.
    polyglot = jpeg_bytes() + HTML
    response = create(client_for(nurse_li), SimpleUploadedFile("photo.jpg", polyglot))
    assert response.status_code == 201
    attachment = Attachment.objects.get()
    assert attachment.content_type == "image/jpeg"
    served = client_for(agent_chen).get(f"/api/v1/attachments/{attachment.pk}/download/")
    assert served.status_code == 200
    assert served["Content-Type"] == "image/jpeg"
    assert served["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in served["Content-Security-Policy"]


def test_a_zip_bomb_is_stored_as_it_came_and_never_unpacked(nurse_li, client_for, tmp_path):
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("logs.txt", b"\x00" * (200 * 1024 * 1024))  # 200 MB of zeros
    bomb = buffer.getvalue()
    assert len(bomb) < 1024 * 1024  # under 1 MB on the wire
    refused = create(client_for(nurse_li), SimpleUploadedFile("logs.zip", bomb))
    assert refused.status_code == 400  # archives are refused outright
    assert "压缩包" in refused.json()["error"]["message"]
    # Under an Office name (a zip container) it is kept as a file, never opened on the server.
    response = create(client_for(nurse_li), SimpleUploadedFile("report.xlsx", bomb))
    assert response.status_code == 201
    attachment = Attachment.objects.get()
    assert attachment.size == len(bomb)  # the server never expanded it
    with attachment.file.open("rb") as stored:
        assert stored.read() == bomb
