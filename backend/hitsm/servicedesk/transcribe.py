"""Speech-to-text for voice messages: a pluggable transcriber, off by default.

No offline Chinese speech model is available to ship, and nothing may be downloaded at run time,
so HITSM has no built-in transcriber. A hospital that runs one (an on-premises ASR service, say)
names a class in ``HITSM_SPEECH_TRANSCRIBER`` (``package.module.ClassName``); it is created once
per process and called by the worker after a voice message's MP3 copy is made:

    class MyTranscriber:
        def transcribe(self, audio: bytes, content_type: str) -> str: ...

The text lands on the ticket's timeline as an internal note marked as automatic; a transcriber
that fails or returns nothing leaves the ticket as it was (the voice is still there to play).
"""

from __future__ import annotations

import functools
import logging
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from hitsm.servicedesk.models import Attachment

logger = logging.getLogger(__name__)
MAX_AUDIO = 10 * 1024 * 1024


class Transcriber(Protocol):
    def transcribe(self, audio: bytes, content_type: str) -> str: ...


@functools.cache
def _load(path: str) -> Transcriber:
    return import_string(path)()


def transcriber() -> Transcriber | None:
    path = settings.SPEECH_TRANSCRIBER
    return _load(path) if path else None


def attachment_transcribe(attachment: Attachment) -> str:
    """Transcribe one voice attachment (its playable MP3 copy) onto the timeline; "" if off."""
    from hitsm.servicedesk.choices import EventKind
    from hitsm.servicedesk.events import event_add

    engine = transcriber()
    if engine is None or not attachment.playback:
        return ""
    try:
        with attachment.playback.open("rb") as handle:
            audio = handle.read(MAX_AUDIO + 1)
        if len(audio) > MAX_AUDIO:
            return ""
        text = (engine.transcribe(audio, "audio/mpeg") or "").strip()
    except Exception:
        logger.exception("attachment %s: the speech transcriber failed", attachment.pk)
        return ""
    if not text:
        return ""
    event_add(
        attachment.ticket,
        EventKind.NOTE,
        public=False,
        body=_("语音转文字（自动）：%(text)s") % {"text": text[:2000]},
        data={"attachment": attachment.pk, "transcript": True},
    )
    return text
