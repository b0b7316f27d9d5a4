"""Every message has an English translation (Chinese is the source language)."""

import re
from pathlib import Path

PO = Path(__file__).resolve().parents[3] / "locale/en/LC_MESSAGES/django.po"


def _entries():
    for block in PO.read_text(encoding="utf-8").split("\n\n"):
        if "msgid" not in block:
            continue
        msgid = "".join(re.findall(r'^(?:msgid )?"(.*)"$', block.split("msgstr")[0], re.M))
        msgstr = "".join(
            re.findall(
                r'^(?:msgstr(?:\[\d\])? )?"(.*)"$', "msgstr" + block.split("msgstr", 1)[1], re.M
            )
        )
        yield block, msgid, msgstr


def test_every_message_is_translated_and_none_is_fuzzy():
    untranslated = [msgid for block, msgid, msgstr in _entries() if msgid and not msgstr]
    fuzzy = [msgid for block, msgid, _ in _entries() if msgid and "#, fuzzy" in block]
    assert not untranslated, untranslated[:10]
    assert not fuzzy, fuzzy[:10]


def test_the_compiled_catalogue_is_committed():
    mo = PO.with_suffix(".mo")
    assert mo.exists() and mo.stat().st_size > 1000
