"""Chinese word segmentation for ticket search (jieba), with a hospital IT dictionary.

Tokens are stored on the ticket (``search_tokens``) when it is created or its text changes. On
PostgreSQL they are matched through a GIN index on ``to_tsvector('simple', search_tokens)``; on
SQLite every query token must appear in the column.
"""

from __future__ import annotations

import logging
import re
import threading

import jieba

jieba.setLogLevel(logging.WARNING)

HOSPITAL_WORDS = [
    "HIS",
    "EMR",
    "PACS",
    "RIS",
    "LIS",
    "OA",
    "VPN",
    "Wi-Fi",
    "WiFi",
    "PDA",
    "手麻",
    "手麻系统",
    "合理用药",
    "医生站",
    "护士站",
    "医生工作站",
    "护士工作站",
    "电子病历",
    "检验系统",
    "影像系统",
    "打印机",
    "腕带",
    "腕带打印机",
    "条码",
    "条码打印机",
    "发票",
    "处方",
    "医保卡",
    "读卡器",
    "身份证读卡器",
    "扫码枪",
    "自助机",
    "挂号",
    "收费",
    "叫号",
    "排队叫号",
    "企业微信",
    "卡纸",
    "蓝屏",
    "死机",
    "黑屏",
    "登不上",
    "打不开",
    "打不出来",
    "无法打印",
    "无法登录",
    "网络不通",
    "密码重置",
    "账号开通",
    "权限",
    "U盘",
    "杀毒",
    "病毒",
    "内网",
    "外网",
    "交换机",
    "显示器",
]
_ready = threading.Lock()
_initialised = False
_ASCII_WORD = re.compile(r"[a-z0-9][a-z0-9\-_.]*")


def _init() -> None:
    global _initialised
    with _ready:
        if not _initialised:
            for word in HOSPITAL_WORDS:
                jieba.add_word(word, freq=20000)
            _initialised = True


def tokens(text: str) -> list[str]:
    """Search tokens of a text: jieba's search-mode words, lower-cased, punctuation dropped."""
    if not _initialised:
        _init()
    seen: dict[str, None] = {}
    for word in jieba.cut_for_search(text.lower()):
        word = word.strip()
        if not word or not (word.isalnum() or _ASCII_WORD.fullmatch(word)):
            continue
        seen.setdefault(word, None)
    return list(seen)


def query_tokens(text: str) -> list[str]:
    """Tokens of a search query: jieba's precise mode (longest words), and a word already
    contained in a longer query word is dropped ("电子病历" implies "电子" and "病历", which the
    document side indexed too). Fewer, more specific terms keep PostgreSQL's estimates right."""
    if not _initialised:
        _init()
    words: list[str] = []
    for word in jieba.cut(text.lower()):
        word = word.strip()
        if word and (word.isalnum() or _ASCII_WORD.fullmatch(word)) and word not in words:
            words.append(word)
    return [w for w in words if not any(w != other and w in other for other in words)]


def tokens_text(*parts: str) -> str:
    return " ".join(tokens(" ".join(p for p in parts if p)))
