"""Top-1 / top-3 accuracy of knowledge search on the labelled staff questions."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from hitsm.knowledge.evaluation import evaluate

TARGET_TOP1, TARGET_TOP3 = 0.75, 0.90


class Command(BaseCommand):
    help = "Score knowledge search on content/questions.json (tune and held-out parts)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--misses", action="store_true", help="list the questions missed")
        parser.add_argument(
            "--check", action="store_true", help="exit non-zero below the targets (held-out part)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        threshold = settings.KNOWLEDGE_ANSWER_THRESHOLD
        scores = evaluate(threshold)
        elapsed = time.perf_counter() - started
        self.stdout.write(
            f"{'part':<8} {'questions':>9} {'top-1':>8} {'top-3':>8}"
            f" {'answered directly (right / wrong)':>36}"
        )
        for name in ("tune", "holdout", "all"):
            score = scores[name]
            n = score.questions or 1
            self.stdout.write(
                f"{name:<8} {score.questions:>9} {score.top1_rate:>8.1%} {score.top3_rate:>8.1%}"
                f" {score.direct_right / n:>27.1%} / {score.direct_wrong / n:.1%}"
            )
        self.stdout.write(f"answered directly at confidence ≥ {threshold:.2f}")
        self.stdout.write(f"targets: top-3 ≥ {TARGET_TOP3:.0%}, top-1 ≥ {TARGET_TOP1:.0%}")
        self.stdout.write(f"({elapsed:.1f} s including building the index)")
        if options["misses"]:
            for text, expected, found in scores["all"].misses:
                self.stdout.write(f"  MISS {text!r}: want {expected}, got {found}")
        holdout = scores["holdout"]
        if options["check"] and (
            holdout.top3_rate < TARGET_TOP3 or holdout.top1_rate < TARGET_TOP1
        ):
            raise CommandError("held-out accuracy is below the targets")
