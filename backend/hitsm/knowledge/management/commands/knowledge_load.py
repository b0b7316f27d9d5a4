"""Load the starter knowledge content (articles, categories, synonyms) shipped with HITSM."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from hitsm.core.context import acting_as
from hitsm.knowledge.services import starter_load


class Command(BaseCommand):
    help = "Load the starter articles (published, or --drafts for review first) and synonyms."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--drafts", action="store_true", help="load articles as drafts")

    def handle(self, *args: Any, **options: Any) -> None:
        with acting_as(label="command:knowledge_load"):
            result = starter_load(publish=not options["drafts"])
        self.stdout.write(f"{result['articles']} articles loaded, {result['synonyms']} synonyms")
