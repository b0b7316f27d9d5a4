"""The messages we send, as WeCom's JSON (text, textcard, template cards). Links open the H5
portal through our OAuth start page, so a tap inside WeCom lands logged in."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django.conf import settings

from hitsm.wecom.models import OutboundKind

# Button keys of our interactive cards (the click comes back as a template_card_event).
KB_SOLVED = "kb_solved"
KB_TICKET = "kb_ticket"
TICKET_ACCEPT = "accept"
SURVEY_SUBMIT = "survey"
SCORE_OPTIONS = (
    ("5", "5 非常满意"),
    ("4", "4 满意"),
    ("3", "3 一般"),
    ("2", "2 不满意"),
    ("1", "1 非常不满意"),
)


def h5_link(path: str) -> str:
    """An absolute link to an H5 page (``path`` like ``/tickets/12``), via WeCom login."""
    target = "/h5" + (path if path.startswith("/") else "/" + path)
    return f"{settings.SITE_URL.rstrip('/')}/api/v1/wecom/oauth/start/?next={quote(target)}"


def text(content: str) -> tuple[str, dict[str, Any]]:
    return OutboundKind.TEXT, {"msgtype": "text", "text": {"content": content[:2000]}}


def textcard(
    title: str, description: str, url: str, button: str = "详情"
) -> tuple[str, dict[str, Any]]:
    return OutboundKind.TEXT, {
        "msgtype": "textcard",
        "textcard": {
            "title": title[:128],
            "description": description[:512],
            "url": url,
            "btntxt": button,
        },
    }


def _source() -> dict[str, Any]:
    return {"desc": "IT服务台", "desc_color": 0}


def answer_card(*, question_id: int, article: Any, others: list[Any]) -> tuple[str, dict[str, Any]]:
    """The auto-answer: the best article and buttons 「已解决」/「转人工」."""
    summary = (article.summary or "").strip() or "点击查看处理步骤"
    jumps = [
        {"type": 1, "title": a.title[:26], "url": h5_link(f"/knowledge/articles/{a.pk}")}
        for a in others[:2]
    ]
    card: dict[str, Any] = {
        "card_type": "button_interaction",
        "source": _source(),
        "main_title": {"title": article.title[:26], "desc": "为您找到以下解决办法"},
        "sub_title_text": summary[:120],
        "card_action": {"type": 1, "url": h5_link(f"/knowledge/articles/{article.pk}")},
        "task_id": f"kb-{question_id}",
        "button_list": [
            {"text": "已解决", "style": 1, "key": f"{KB_SOLVED}:{question_id}"},
            {"text": "转人工", "style": 2, "key": f"{KB_TICKET}:{question_id}"},
        ],
    }
    if jumps:
        card["jump_list"] = jumps
    return OutboundKind.TEMPLATE_CARD, {"msgtype": "template_card", "template_card": card}


def task_card(*, ticket: Any, title: str, body: str) -> tuple[str, dict[str, Any]]:
    """A new task for an engineer, with an accept button while the ticket waits for one."""
    card: dict[str, Any] = {
        "card_type": "button_interaction",
        "source": _source(),
        "main_title": {"title": title[:26], "desc": f"{ticket.number}"},
        "sub_title_text": (body or ticket.title)[:120],
        "horizontal_content_list": [
            {"keyname": "工单", "value": ticket.number},
            {"keyname": "优先级", "value": f"P{ticket.priority}"},
            {"keyname": "报告人", "value": ticket.requester.name[:20]},
        ],
        "card_action": {"type": 1, "url": h5_link(f"/tickets/{ticket.pk}")},
        "task_id": f"task-{ticket.pk}-{ticket.status}",
        "button_list": [
            {
                "text": "受理" if ticket.status == "new" else "接单",
                "style": 1,
                "key": f"{TICKET_ACCEPT}:{ticket.pk}",
            }
        ],
    }
    return OutboundKind.TEMPLATE_CARD, {"msgtype": "template_card", "template_card": card}


def survey_card(*, survey: Any, task_id: str) -> tuple[str, dict[str, Any]]:
    """The satisfaction survey as an interactive card: the three fixed dimensions as drop-downs
    (WeCom allows three) and a submit button; extra questions and the comment are on the H5
    page the card links to."""
    from hitsm.surveys.models import FIXED_KEYS

    fixed = [q for q in survey.questions if q["key"] in FIXED_KEYS][:3]
    ticket = survey.ticket
    card: dict[str, Any] = {
        "card_type": "multiple_interaction",
        "source": _source(),
        "main_title": {"title": "请评价本次服务", "desc": f"{ticket.number} {ticket.title}"[:44]},
        "task_id": task_id,
        "select_list": [
            {
                "question_key": q["key"],
                "title": q["label"][:16],
                "selected_id": "5",
                "option_list": [{"id": value, "text": text} for value, text in SCORE_OPTIONS],
            }
            for q in fixed
        ],
        "submit_button": {"text": "提交评价", "key": f"{SURVEY_SUBMIT}:{survey.pk}"},
    }
    return OutboundKind.TEMPLATE_CARD, {"msgtype": "template_card", "template_card": card}


def card_done(response_code: str, label: str) -> dict[str, Any]:
    """Grey out an interactive card once it has been answered."""
    return {"response_code": response_code, "button": {"replace_name": label[:20]}}
