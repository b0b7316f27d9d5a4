"""Upload checks for ticket attachments: sniffed type, size limits, safe names, thumbnails.

The declared content type and the file name's extension are not trusted: the bytes decide. An
executable renamed ``.jpg`` is refused because its bytes are not an allowed type, and a file whose
bytes disagree with its extension's family is refused too.
"""

from __future__ import annotations

import hashlib
import io
import os
import unicodedata
import uuid
from dataclasses import dataclass

import filetype
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
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
    "audio/mpeg": (AttachmentKind.AUDIO, "mp3"),
    "audio/x-wav": (AttachmentKind.AUDIO, "wav"),
    "audio/wav": (AttachmentKind.AUDIO, "wav"),
    "audio/m4a": (AttachmentKind.AUDIO, "m4a"),
    "audio/mp4": (AttachmentKind.AUDIO, "m4a"),
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
    mime = guess.mime if guess else ""
    if mime == "audio/mp4" or (mime == "video/mp4" and extension == "m4a"):
        mime = "audio/m4a"
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
            AttachmentKind.AUDIO: {"amr", "mp3", "wav", "m4a", "ogg", "webm", "aac"},
            AttachmentKind.VIDEO: {"mp4", "mov", "webm"},
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
