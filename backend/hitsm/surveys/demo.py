"""Demo: the demo tickets' surveys answered the way staff would — most of them, mostly well,
two low scores (one already followed up) — and dated when they happened.

The surveys themselves were opened by the service desk's demo when it resolved its tickets
(``signals.py``), at seeding time; the desk then moved the tickets back in time, so the surveys
follow here. Idempotent: a survey already moved back is left alone.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import F
from django.utils import timezone

from hitsm.accounts.models import User
from hitsm.servicedesk.models import TicketEvent
from hitsm.surveys.models import FollowUp, Survey, SurveyStatus
from hitsm.surveys.services import follow_up_close, survey_answer

# ticket title → (technical, response, attitude), comment, channel
ANSWERS: dict[str, tuple[tuple[int, int, int], str, str]] = {
    "医保卡读卡器驱动安装": ((5, 5, 5), "装得很快，谢谢！", "wecom"),
    "医嘱提交提示合理用药接口超时": ((4, 3, 4), "影响了一上午的医嘱，希望能提前发现问题。", "h5"),
    "生化仪结果不回传 LIS": ((5, 4, 5), "", "wecom"),
    "HIS 密码忘记": ((5, 5, 5), "电话里就解决了。", "web"),
    "急诊抢救室腕带打印空白": ((4, 5, 5), "", "wecom"),
    "CT2 影像上传 PACS 失败": ((2, 2, 4), "下午的检查全部延误，等了两个多小时。", "web"),
    "门诊三楼护士站处方打印机脱机": ((5, 4, 5), "工程师很耐心。", "h5"),
    "神经外科医生站打不开": ((4, 4, 4), "", "wecom"),
    "EMR 账号被锁定": ((5, 5, 4), "", "web"),
    "儿科 Wi-Fi 频繁断线": ((3, 2, 4), "断线两天才处理好，查房很不方便。", "wecom"),
    "血球仪联机中断": ((5, 5, 5), "处理及时。", "wecom"),
    "门诊一楼自助机不出凭条": ((4, 4, 5), "", "h5"),
    "超声科电脑开不了机": ((5, 4, 4), "当天就换好了电源。", "wecom"),
}
FOLLOWED_UP = {
    "CT2 影像上传 PACS 失败": "已电话回访放射科主任，说明了原因；PACS 已增加 AE Title 变更告警，避免再次发生。"
}
ANSWER_AFTER = dt.timedelta(hours=3)
CALL_AFTER = dt.timedelta(days=1)


def load_demo() -> dict[str, int]:
    fresh = [
        s
        for s in Survey.objects.select_related("ticket", "requester").filter(
            ticket__resolved_at__isnull=False
        )
        if s.ticket.resolved_at is not None
        and s.sent_at - s.ticket.resolved_at > dt.timedelta(minutes=1)  # not yet moved back
    ]
    manager = User.objects.filter(username="manager_zhao").first()
    answered = 0
    for survey in fresh:
        answer = ANSWERS.get(survey.ticket.title)
        if answer is not None and survey.answered_at is None:
            (technical, response, attitude), comment, channel = answer
            survey_answer(
                survey=survey,
                actor=survey.requester,
                scores={"technical": technical, "response": response, "attitude": attitude},
                comment=comment,
                channel=channel,
            )
            answered += 1
            outcome = FOLLOWED_UP.get(survey.ticket.title)
            follow_up = FollowUp.objects.filter(survey=survey).first()
            if outcome and follow_up is not None and manager is not None:
                follow_up_close(follow_up=follow_up, actor=manager, outcome=outcome)
        _move_back(Survey.objects.select_related("ticket").get(pk=survey.pk))
    return {"surveys": Survey.objects.count(), "answered_now": answered}


def _move_back(survey: Survey) -> None:
    """Date the survey from its ticket's resolution; one unanswered for a week has expired."""
    sent = survey.ticket.resolved_at
    assert sent is not None
    values: dict[str, object] = {"sent_at": sent, "expires_at": sent + dt.timedelta(days=7)}
    if survey.answered_at is not None:
        answered = sent + ANSWER_AFTER
        values.update(
            answered_at=answered,
            editable_until=answered + (survey.editable_until - survey.answered_at),  # type: ignore[operator]
            edited_at=None,
        )
        moved = survey.answered_at - answered
        events = TicketEvent.objects.filter(
            ticket=survey.ticket, kind__in=["survey_answered", "follow_up_opened"]
        )
        events.update(created_at=answered)
        FollowUp.objects.filter(survey=survey).update(created_at=F("created_at") - moved)
        closed = FollowUp.objects.filter(survey=survey, closed_at__isnull=False)
        if closed.exists():
            closed.update(closed_at=answered + CALL_AFTER)
            TicketEvent.objects.filter(ticket=survey.ticket, kind="follow_up_closed").update(
                created_at=answered + CALL_AFTER
            )
    elif values["expires_at"] <= timezone.now():  # type: ignore[operator]
        values["status"] = SurveyStatus.EXPIRED
    Survey.objects.filter(pk=survey.pk).update(**values)
