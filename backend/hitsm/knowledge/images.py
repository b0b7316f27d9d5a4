"""Pictures in article bodies: which uploads are accepted, and the one address a body may use.

The checks are the ticket attachments' (``hitsm.servicedesk.attachments.check_upload``: the bytes
decide the type, Pillow verifies the picture, decompression bombs are refused); on top of them an
article image must be a picture every browser shows (JPEG, PNG, GIF, WebP) and at most
``MAX_IMAGE_BYTES``. SVG is never accepted (it can carry script): its bytes are text, which the
attachment checks only accept as ``.txt``/``.log``/``.csv``, and text is not a picture here.
"""

from __future__ import annotations

import io
import re

from django.core.files.uploadedfile import UploadedFile
from django.urls import reverse
from django.utils.translation import gettext as _
from PIL import Image

from hitsm.core.errors import ValidationFailed
from hitsm.servicedesk.attachments import MB, CheckedUpload, check_upload

MAX_IMAGE_BYTES = 5 * MB
WEB_IMAGE_TYPES = frozenset({"image/jpeg", "image/png", "image/gif", "image/webp"})
# The only <img src> an article body keeps (relative: the page's own origin).
IMAGE_SRC = re.compile(r"^/api/v1/knowledge/images/(\d+)/download/$")


def _refuse(message: str) -> ValidationFailed:
    return ValidationFailed(message, code="knowledge.image_refused", fields={"file": [message]})


def image_url(pk: int) -> str:
    return reverse("knowledge-image-download", kwargs={"pk": pk})


def image_id(src: str) -> int | None:
    """The image id of an ``<img src>`` that points at our download view, else None."""
    found = IMAGE_SRC.match(src.strip())
    return int(found.group(1)) if found else None


def image_check(upload: UploadedFile) -> tuple[CheckedUpload, int, int]:
    """The checked upload and its width and height; ValidationFailed when it is no picture a
    browser shows, or too large."""
    if upload.size is not None and upload.size > MAX_IMAGE_BYTES:
        raise _refuse(_("图片不能超过 %(n)d MB") % {"n": MAX_IMAGE_BYTES // MB})
    try:
        checked = check_upload(upload)
    except ValidationFailed as exc:
        raise _refuse(str(exc.message)) from exc
    if checked.content_type not in WEB_IMAGE_TYPES:
        raise _refuse(_("只能插入 JPG、PNG、GIF 或 WebP 图片"))
    if len(checked.content) > MAX_IMAGE_BYTES:
        raise _refuse(_("图片不能超过 %(n)d MB") % {"n": MAX_IMAGE_BYTES // MB})
    with Image.open(io.BytesIO(checked.content)) as picture:  # verified by check_upload
        width, height = picture.size
    return checked, width, height
