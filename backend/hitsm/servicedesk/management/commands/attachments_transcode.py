from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from hitsm.core.context import acting_as
from hitsm.servicedesk.models import Attachment, AttachmentKind, TranscodeStatus
from hitsm.servicedesk.playback import (
    TRANSCODE_INPUT,
    attachment_transcode,
    ffmpeg_path,
    transcode_enqueue,
    transcode_retry_failed,
)


class Command(BaseCommand):
    help = (
        "Make playable MP3 copies of voice messages browsers cannot play (AMR, Ogg, WebM) that "
        "have none yet. --failed also retries failed ones (e.g. after installing ffmpeg); "
        "--now converts in this process instead of queueing them for the worker."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--failed", action="store_true", help="retry failed conversions")
        parser.add_argument("--now", action="store_true", help="convert here, not in the worker")

    def handle(self, *args: Any, **options: Any) -> None:
        if ffmpeg_path() is None:
            self.stderr.write("ffmpeg not found: install it (apt-get install ffmpeg) first")
            return
        with acting_as(label="command:attachments_transcode"):
            if options["failed"]:
                self.stdout.write(f"Failed conversions reset: {transcode_retry_failed()}")
            ids = list(
                Attachment.objects.filter(
                    kind=AttachmentKind.AUDIO,
                    content_type__in=list(TRANSCODE_INPUT),
                    transcode_status=TranscodeStatus.NONE,
                )
                .order_by("pk")
                .values_list("pk", flat=True)
            )
            for pk in ids:
                if options["now"]:
                    attachment_transcode(attachment_id=pk)
                else:
                    transcode_enqueue(pk)
        done = "converted" if options["now"] else "queued"
        self.stdout.write(self.style.SUCCESS(f"Voice messages {done}: {len(ids)}"))
