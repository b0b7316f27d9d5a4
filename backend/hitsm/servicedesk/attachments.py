"""Ticket attachments: upload checks (sniffed type, size limits, safe names), thumbnails, and
reading stored files back for downloads (local disk or an S3-compatible bucket).

The declared content type and the file name's extension are not trusted: the bytes decide. An
executable renamed ``.jpg`` is refused because its bytes are not an allowed type, and a file whose
bytes disagree with its extension's family is refused too.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import unicodedata
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import filetype
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db.models.fields.files import FieldFile
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from hitsm.core.errors import ValidationFailed
from hitsm.servicedesk.models import AttachmentKind

MB = 1024 * 1024
# Sniffed MIME type → (kind, canonical extension)
ALLOWED: dict[str, tuple[str, str]] = {
    "image/jpeg": (AttachmentKind.IMAGE, "jpg"),
    "image/png": (AttachmentKind.IMAGE, "png"),
    "image/gif": (AttachmentKind.IMAGE, "gif"),
    "image/webp": (AttachmentKind.IMAGE, "webp"),
    "image/bmp": (AttachmentKind.IMAGE, "bmp"),
    "image/heic": (AttachmentKind.IMAGE, "heic"),
    "audio/amr": (AttachmentKind.AUDIO, "amr"),
    "audio/amr-wb": (AttachmentKind.AUDIO, "awb"),
    "audio/mpeg": (AttachmentKind.AUDIO, "mp3"),
    "audio/x-wav": (AttachmentKind.AUDIO, "wav"),
    "audio/wav": (AttachmentKind.AUDIO, "wav"),
    "audio/mp4": (AttachmentKind.AUDIO, "m4a"),  # M4A: AAC in an MP4 container
    "audio/ogg": (AttachmentKind.AUDIO, "ogg"),
    "audio/webm": (AttachmentKind.AUDIO, "webm"),
    "video/mp4": (AttachmentKind.VIDEO, "mp4"),
    "video/quicktime": (AttachmentKind.VIDEO, "mov"),
    "video/webm": (AttachmentKind.VIDEO, "webm"),
    "application/pdf": (AttachmentKind.DOCUMENT, "pdf"),
    "application/zip": (AttachmentKind.DOCUMENT, "zip"),
}
OFFICE_EXTENSIONS = {"docx", "xlsx", "pptx"}  # zip containers
TEXT_EXTENSIONS = {"txt", "log", "csv"}
LIMITS: dict[str, int] = {
    AttachmentKind.IMAGE: 20 * MB,
    AttachmentKind.AUDIO: 20 * MB,
    AttachmentKind.VIDEO: 200 * MB,
    AttachmentKind.DOCUMENT: 50 * MB,
}
MAX_IMAGE_PIXELS = 80_000_000  # refuse decompression bombs
THUMBNAIL_SIZE = (320, 320)


@dataclass(frozen=True)
class CheckedUpload:
    content: bytes
    original_name: str
    storage_name: str
    content_type: str
    kind: str
    sha256: str


def safe_name(name: str) -> str:
    """A display name without paths, control characters or leading dots."""
    name = unicodedata.normalize("NFC", os.path.basename(name.replace("\\", "/")))
    cleaned = "".join(ch for ch in name if ch.isprintable() and ch not in '<>:"/\\|?*')
    cleaned = cleaned.strip().lstrip(".")
    return (cleaned or "file")[:150]


def _refuse(message: str) -> ValidationFailed:
    return ValidationFailed(message, code="attachment.refused", fields={"file": [message]})


# AMR storage format (RFC 4867 section 5): WeCom voice messages are "#!AMR\n" (narrowband);
# wideband starts "#!AMR-WB\n", which the filetype library does not know.
AMR_MAGIC = (
    (b"#!AMR\n", "audio/amr"),
    (b"#!AMR_MC1.0\n", "audio/amr"),
    (b"#!AMR-WB\n", "audio/amr-wb"),
    (b"#!AMR-WB_MC1.0\n", "audio/amr-wb"),
)
MP4_FAMILY = {"video/mp4", "audio/mp4", "video/quicktime"}
# An MP4/QuickTime track's handler box: size, "hdlr", version+flags, pre_defined/component
# type, then the handler type ("soun" for audio, "vide" for video).
_MP4_HANDLER = re.compile(rb"hdlr[\x00-\xff]{8}(vide|soun)")


def _sniff_amr(content: bytes) -> str:
    for magic, mime in AMR_MAGIC:
        if content.startswith(magic):
            return mime
    return ""


def _mp4_audio_only(content: bytes) -> bool | None:
    """True for an MP4/MOV with sound tracks and no video track (a voice memo or an .m4a,
    whatever its brand), False when it has video, None when no track header is found."""
    handlers = set(_MP4_HANDLER.findall(content))
    if not handlers:
        return None
    return b"vide" not in handlers


def _webm_has_no_video(content: bytes) -> bool:
    """WebM/Matroska track type element (0x83) with value 1 means video; voice notes have only
    audio tracks (value 2). A cheap scan of the header is enough to tell them apart."""
    head = content[:65536]
    return b"\x83\x81\x01" not in head and b"\x83\x81\x02" in head


def _looks_like_text(content: bytes) -> bool:
    if b"\x00" in content[:4096]:
        return False
    for encoding in ("utf-8", "gb18030"):
        try:
            content[:65536].decode(encoding)
            return True
        except UnicodeDecodeError:
            continue
    return False


def check_upload(upload: UploadedFile) -> CheckedUpload:
    name = safe_name(upload.name or "file")
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    max_any = max(LIMITS.values())
    if upload.size is not None and upload.size > max_any:
        raise _refuse(_("文件超过 %(n)d MB 上限") % {"n": max_any // MB})
    content = upload.read(max_any + 1)
    if not content:
        raise _refuse(_("文件是空的"))
    if len(content) > max_any:
        raise _refuse(_("文件超过 %(n)d MB 上限") % {"n": max_any // MB})
    guess = filetype.guess(content[:8192])
    mime = _sniff_amr(content) or (guess.mime if guess else "")
    if mime in MP4_FAMILY:
        audio_only = _mp4_audio_only(content)
        if audio_only or (audio_only is None and mime == "audio/mp4"):
            mime = "audio/mp4"
        elif mime == "audio/mp4":
            mime = "video/mp4"  # an "M4A " brand around a video track is still a video
    if mime == "video/webm" and _webm_has_no_video(content):
        mime = "audio/webm"  # browsers' MediaRecorder voice notes
    if mime in ALLOWED:
        kind, canonical = ALLOWED[mime]
        if mime == "application/zip":
            if extension not in OFFICE_EXTENSIONS:
                raise _refuse(_("不支持上传压缩包，请直接上传文件"))
            canonical = extension
            mime = {
                "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
            }[extension]
        families: dict[str, set[str]] = {
            AttachmentKind.IMAGE: {"jpg", "jpeg", "png", "gif", "webp", "bmp", "heic"},
            AttachmentKind.AUDIO: {
                *("amr", "awb", "mp3", "wav", "m4a", "ogg", "opus", "webm", "aac", "mp4")
            },
            AttachmentKind.VIDEO: {"mp4", "m4v", "mov", "webm"},
        }
        family = families.get(kind)
        if family is not None and extension and extension not in family:
            raise _refuse(_("文件内容与扩展名 .%(ext)s 不符") % {"ext": extension})
    elif guess is None and extension in TEXT_EXTENSIONS and _looks_like_text(content):
        kind, canonical, mime = AttachmentKind.DOCUMENT, extension, "text/plain; charset=utf-8"
    else:
        raise _refuse(_("不支持的文件类型：只能上传图片、语音、视频、PDF、Office 文档或文本"))
    if len(content) > LIMITS[kind]:
        raise _refuse(_("此类文件不能超过 %(n)d MB") % {"n": LIMITS[kind] // MB})
    if kind == AttachmentKind.IMAGE and mime != "image/heic":
        _check_image(content)
    return CheckedUpload(
        content=content,
        original_name=name,
        storage_name=f"{uuid.uuid4().hex}.{canonical}",
        content_type=mime,
        kind=kind,
        sha256=hashlib.sha256(content).hexdigest(),
    )


def _check_image(content: bytes) -> None:
    try:
        with Image.open(io.BytesIO(content)) as image:
            width, height = image.size
            if width * height > MAX_IMAGE_PIXELS:
                raise _refuse(_("图片尺寸过大"))
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError) as exc:
        raise _refuse(_("图片已损坏或无法识别")) from exc


def thumbnail_for(content: bytes) -> ContentFile[bytes] | None:
    try:
        with Image.open(io.BytesIO(content)) as image:
            image.thumbnail(THUMBNAIL_SIZE)
            output = io.BytesIO()
            image.convert("RGB").save(output, format="JPEG", quality=80)
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError):
        return None
    return ContentFile(output.getvalue())


# --- reading stored files back ----------------------------------------------------------------

CHUNK = 256 * 1024


class StoredFile:
    """A stored file opened for a download: its size, and an iterable byte range of it.

    Hand :meth:`part` to a ``StreamingHttpResponse``: Django calls :meth:`close` when the
    response ends, also when the client went away before the first byte.
    """

    def __init__(self, size: int, handle: Any, s3_object: Any = None) -> None:
        self.size = size
        self._handle = handle
        self._s3_object = s3_object
        self._range = (0, size)
        self._body: Any = None

    def part(self, start: int, stop: int) -> StoredFile:
        """Bytes ``start`` to ``stop - 1``."""
        self._range = (start, stop)
        return self

    def __iter__(self) -> Iterator[bytes]:
        start, stop = self._range
        if self._s3_object is not None:
            # A ranged GET streams from the bucket; reading S3File would first copy the whole
            # object into a temporary file on this server.
            self._body = self._s3_object.get(Range=f"bytes={start}-{stop - 1}")["Body"]
            yield from self._body.iter_chunks(CHUNK)
            return
        self._handle.seek(start)
        left = stop - start
        while left > 0:
            data = self._handle.read(min(CHUNK, left))
            if not data:
                break
            left -= len(data)
            yield data

    def close(self) -> None:
        if self._body is not None:
            self._body.close()
        self._handle.close()


def in_bucket(file: FieldFile) -> bool:
    from storages.backends.s3 import S3Storage

    return isinstance(file.storage, S3Storage)


def stored_open(file: FieldFile) -> StoredFile:
    """Open a stored attachment file; FileNotFoundError when the storage has no such file."""
    name = file.name or ""
    if in_bucket(file):
        from botocore.exceptions import ClientError

        handle: Any = file.storage.open(name, "rb")  # S3File: one HEAD, no download yet
        try:
            return StoredFile(handle.obj.content_length, handle, handle.obj)
        except ClientError as exc:
            handle.close()
            if exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                raise FileNotFoundError(file.name) from exc
            raise
    handle = file.storage.open(name, "rb")
    return StoredFile(handle.size, handle)


def bucket_download_url(file: FieldFile, *, content_type: str, disposition: str) -> str:
    """A presigned GET that expires in ``S3_URL_SECONDS``, with our content type and name.

    Signed for ``S3_PUBLIC_ORIGIN`` (HITSM_S3_CUSTOM_DOMAIN) when browsers reach the bucket
    under another name than the servers do; the signature covers the host either way.
    """
    storage: Any = file.storage  # S3Storage
    client = storage.connection.meta.client
    if settings.S3_PUBLIC_ORIGIN and storage.endpoint_url != settings.S3_PUBLIC_ORIGIN:
        client = _public_client(
            settings.S3_PUBLIC_ORIGIN,
            storage.region_name,
            storage.access_key,
            storage.secret_key,
            storage.client_config,
        )
    seconds = settings.S3_URL_SECONDS
    return str(
        client.generate_presigned_url(
            "get_object",
            Params={
                "Bucket": storage.bucket_name,
                "Key": file.name,  # HITSM sets no AWS_LOCATION prefix: the key is the name
                "ResponseContentType": content_type,
                "ResponseContentDisposition": disposition,
                "ResponseCacheControl": f"private, max-age={seconds}",
            },
            ExpiresIn=seconds,
        )
    )


@lru_cache(maxsize=4)
def _public_client(origin: str, region: str, access: str, secret: str, config: Any) -> Any:
    import boto3

    return boto3.session.Session().client(
        "s3",
        endpoint_url=origin,
        region_name=region,
        aws_access_key_id=access,
        aws_secret_access_key=secret,
        config=config,
    )
