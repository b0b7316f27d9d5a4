"""How the knowledge base reads Chinese: jieba with the hospital IT dictionary, stop words
dropped, and synonym groups folded into one search term each.

A text's tokens are its words plus, for every synonym group one of whose terms occurs in the
text, the group's marker (``syn:<n>``): "打不出来" in a question and "无法打印" in an article meet
on the marker of their group. The same function reads articles and questions, so both sides
always agree.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import jieba

from hitsm.servicedesk.search import HOSPITAL_WORDS

jieba.setLogLevel(logging.WARNING)

CONTENT_DIR = Path(__file__).resolve().parent / "content"
STOP_WORDS = frozenset(
    [
        "的",
        "了",
        "吗",
        "呢",
        "啊",
        "呀",
        "吧",
        "嘛",
        "哦",
        "么",
        "怎么",
        "怎么办",
        "咋办",
        "咋",
        "如何",
        "怎样",
        "请问",
        "请",
        "帮忙",
        "帮",
        "一下",
        "我",
        "我们",
        "你",
        "您",
        "他",
        "她",
        "这个",
        "那个",
        "这",
        "那",
        "是",
        "在",
        "都",
        "也",
        "就",
        "还",
        "又",
        "老师",
        "麻烦",
        "谢谢",
        "一直",
        "总是",
        "老是",
        "突然",
        "现在",
        "今天",
        "要",
        "想",
        "能",
        "会",
        "可以",
        "该",
        "得",
        "着",
        "过",
        "和",
        "与",
        "及",
        "或",
        "把",
        "被",
        "给",
        "让",
        "从",
        "到",
        "对",
        "为",
        "以",
        "之",
        "其",
        "个",
        "些",
        "下",
        "上",
    ]
)
_ASCII_WORD = re.compile(r"[a-z0-9][a-z0-9\-_.]*")
_lock = threading.Lock()
_words_added: set[str] = set()


def _dictionary_words() -> list[str]:
    words = list(HOSPITAL_WORDS)
    path = CONTENT_DIR / "dictionary.txt"
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            word = line.split()[0] if line.strip() else ""
            if word and not word.startswith("#"):
                words.append(word)
    return words


def add_words(words: Iterable[str]) -> None:
    """Teach jieba words it must keep whole (the dictionary, synonym terms)."""
    with _lock:
        for word in words:
            word = word.strip().lower()
            if len(word) >= 2 and word not in _words_added:
                jieba.add_word(word, freq=20000)
                _words_added.add(word)


_ready = False


def _init() -> None:
    global _ready
    if not _ready:
        add_words(_dictionary_words())
        _ready = True


@dataclass(frozen=True)
class Synonyms:
    """Synonym groups: term → group number; terms longest first for matching."""

    groups: tuple[tuple[str, ...], ...]

    @classmethod
    def of(cls, groups: Iterable[Sequence[str]]) -> Synonyms:
        cleaned = []
        for group in groups:
            terms = tuple(dict.fromkeys(t.strip().lower() for t in group if len(t.strip()) >= 2))
            if len(terms) >= 2:
                cleaned.append(terms)
        synonyms = cls(groups=tuple(cleaned))
        add_words(t for g in synonyms.groups for t in g)
        return synonyms

    def markers(self, text: str) -> list[str]:
        lowered = text.lower()
        compact = lowered.replace(" ", "")
        return [
            f"syn:{n}"
            for n, terms in enumerate(self.groups)
            if any(_occurs(term, lowered, compact) for term in terms)
        ]


_LATIN = re.compile(r"[a-z0-9][a-z0-9 .\-_]*")


def _occurs(term: str, lowered: str, compact: str) -> bool:
    """A Chinese term anywhere (spaces ignored); a Latin one as a whole word ("lis" is not in
    "worklist", "pda" not in "/update")."""
    if _LATIN.fullmatch(term):
        return re.search(rf"(?<![a-z0-9]){re.escape(term)}(?![a-z0-9])", lowered) is not None
    return term in lowered or term.replace(" ", "") in compact


NO_SYNONYMS = Synonyms(groups=())


def words(text: str) -> list[str]:
    """jieba's search-mode words of a text, lower-cased; punctuation and stop words dropped."""
    _init()
    found: list[str] = []
    for word in jieba.cut_for_search(text.lower()):
        word = word.strip()
        if not word or word in STOP_WORDS:
            continue
        if word.isalnum() or _ASCII_WORD.fullmatch(word):
            found.append(word)
    return found


def precise_words(text: str) -> list[str]:
    """jieba's precise-mode words (the longest), for judging how much of a question an article
    covers: "打不出来" counts once, not also as 打不出 / 不出 / 出来."""
    _init()
    found: list[str] = []
    for word in jieba.cut(text.lower()):
        word = word.strip()
        if word and word not in STOP_WORDS and (word.isalnum() or _ASCII_WORD.fullmatch(word)):
            found.append(word)
    return list(dict.fromkeys(found))


def tokens(text: str, synonyms: Synonyms = NO_SYNONYMS) -> list[str]:
    """Search tokens: the words (repeats kept, BM25 counts them) and the synonym markers."""
    return words(text) + synonyms.markers(text)


def query_tokens(text: str, synonyms: Synonyms = NO_SYNONYMS) -> list[str]:
    """A question's distinct tokens, in order."""
    return list(dict.fromkeys(tokens(text, synonyms)))


_TAG = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")


def html_text(html: str) -> str:
    """Plain text of an article body, for indexing and previews."""
    text = _TAG.sub(" ", html or "")
    for entity, char in (("&nbsp;", " "), ("&lt;", "<"), ("&gt;", ">"), ("&amp;", "&")):
        text = text.replace(entity, char)
    return _SPACE.sub(" ", text).strip()
