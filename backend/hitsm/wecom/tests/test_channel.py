"""The WeCom channel end to end against the fake WeCom server: callbacks verified, stored once
and turned into answers and tickets; photos and voice into attachments; messages out through
the outbox with one token refresh, back-off on throttling, cards updated after a click."""

from __future__ import annotations

import base64
import time
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from hitsm.core.secrets import secret_seal
from hitsm.knowledge import services as kb
from hitsm.knowledge.models import Outcome, Question
from hitsm.servicedesk.models import Attachment, Ticket
from hitsm.wecom import inbound, messages, outbox
from hitsm.wecom.crypto import MessageCrypto
from hitsm.wecom.models import (
    InboundMessage,
    InboundStatus,
    OutboundKind,
    OutboundMessage,
    OutboundStatus,
    WeComSettings,
)

OFFICIAL = {
    "token": "hJqcu3uJ9Tn2gXPmxx2w9kkCkCE2EPYo",
    "aes_key": "6qkdMrq68nTKduznJYO1A37W2oEgpkMUvkttRToqhUt",
    "corp_id": "ww1436e0e65a779aee",
    "msg_signature": "012bc692d0a58dd4b10f8dfe5c4ac00ae211ebeb",
    "timestamp": "1476416373",
    "nonce": "47744683",
    "echostr": "fsi1xnbH4yQh0+PJxcOdhhK6TDXkjMyhEPA7xB2TGz6b+g7xyAbEkRxN/3cNXW9qdqjnoVzEtpbhnFyq6SVHyA==",
}
JPEG = base64.b64decode(
    "/9j/4AAQSkZJRgABAQEASABIAAD/2wBDAP//////////////////////////////////////////////////////"
    "////////////////////////////////wgALCAABAAEBAREA/8QAFBABAAAAAAAAAAAAAAAAAAAAAP/aAAgBAQAB"
    "PxA="
)


def configure(fake, **overrides) -> WeComSettings:
    row, _ = WeComSettings.objects.get_or_create(pk=1)
    row.enabled = True
    row.corp_id = overrides.get("corp_id", fake.corp_id if fake else "")
    row.agent_id = overrides.get("agent_id", fake.agent_id if fake else 1000002)
    row.base_url = fake.base_url if fake else "http://127.0.0.1:9"
    row.oauth_base_url = fake.base_url if fake else "http://127.0.0.1:9"
    row.secret_sealed = secret_seal(overrides.get("secret", fake.secret if fake else "s"))
    row.token_sealed = secret_seal(overrides.get("token", fake.token if fake else ""))
    row.aes_key_sealed = secret_seal(
        overrides.get("aes_key", fake.encoding_aes_key if fake else "")
    )
    row.save()
    return row


@pytest.fixture
def wecom(db, wecom_fake, nurse_li, engineer_wang, agent_chen):
    configure(wecom_fake)
    for user in (nurse_li, engineer_wang, agent_chen):
        user.wecom_userid = user.username
        user.save(update_fields=["wecom_userid"])
    return wecom_fake


def post_callback(client, fake, xml: str, *, timestamp: str | None = None, signature=None):
    timestamp = timestamp or str(int(time.time()))
    encrypted, msg_signature = fake.crypto.seal(xml.encode(), timestamp=timestamp, nonce="123456")
    return client.post(
        f"/wecom/callback?msg_signature={signature or msg_signature}&timestamp={timestamp}&nonce=123456",
        data=fake.envelope(encrypted),
        content_type="text/xml",
    )


def run_inbox() -> None:
    """What the worker does (the test runs callbacks' on-commit tasks by hand)."""
    inbound.dispatch_due()
    outbox.dispatch_due()


# --- the callback ----------------------------------------------------------------------------


def test_the_official_vector_verifies_the_callback_url_with_a_raw_plus(db, client):
    configure(
        None, corp_id=OFFICIAL["corp_id"], token=OFFICIAL["token"], aes_key=OFFICIAL["aes_key"]
    )
    # WeCom sends the base64 echostr unescaped: a raw "+" that a form decoder turns into " ".
    query = "&".join(
        f"{k}={OFFICIAL[k]}" for k in ("msg_signature", "timestamp", "nonce", "echostr")
    )
    response = client.get(f"/wecom/callback?{query}")
    assert response.status_code == 200
    assert response.content == b"1288432023552776189"  # no quotes, no newline
    crypto = MessageCrypto(OFFICIAL["token"], OFFICIAL["aes_key"], OFFICIAL["corp_id"])
    assert crypto.decrypt(OFFICIAL["echostr"]) == b"1288432023552776189"
    forged = query.replace(OFFICIAL["msg_signature"], "0" * 40)
    assert client.get(f"/wecom/callback?{forged}").status_code == 403


def test_a_callback_delivered_twice_is_stored_once_and_makes_one_ticket(
    wecom, client, django_capture_on_commit_callbacks
):
    xml = wecom.text_message("nurse_li", "门诊3楼203诊室的电脑蓝屏了，重启也没用", msg_id=42)
    with django_capture_on_commit_callbacks(execute=True):
        first = post_callback(client, wecom, xml)
        second = post_callback(client, wecom, xml)  # WeCom's retry
    assert first.status_code == second.status_code == 200
    assert first.content == b""
    assert InboundMessage.objects.count() == 1
    run_inbox()
    ticket = Ticket.objects.get()
    assert ticket.channel == "wecom"
    assert ticket.requester.username == "nurse_li"
    assert "蓝屏" in ticket.title
    message = InboundMessage.objects.get()
    assert message.status == InboundStatus.DONE and message.ticket == ticket
    sent = wecom.messages_to("nurse_li")
    assert len(sent) == 1 and ticket.number in str(sent[0].body)


@pytest.mark.parametrize(
    ("case", "status"),
    [
        ("forged", 403),
        ("stale", 403),
        ("xxe", 400),
        ("laughs", 400),
        ("oversize", 413),
        ("other_corp", 403),
    ],
)
def test_bad_callbacks_are_refused_and_nothing_is_written(wecom, client, case, status):
    xml = wecom.text_message("nurse_li", "打印机坏了")
    if case == "forged":
        response = post_callback(client, wecom, xml, signature="a" * 40)
    elif case == "stale":
        response = post_callback(client, wecom, xml, timestamp=str(int(time.time()) - 3600))
    elif case == "xxe":
        body = (
            '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
            "<xml><Encrypt>&e;</Encrypt></xml>"
        )
        response = client.post(
            f"/wecom/callback?msg_signature=x&timestamp={int(time.time())}&nonce=1",
            data=body,
            content_type="text/xml",
        )
    elif case == "laughs":  # an entity-expansion bomb inside the signed, encrypted message
        bomb = (
            '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">'
            '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;">]>'
            "<xml><ToUserName>x</ToUserName><FromUserName>nurse_li</FromUserName>"
            "<MsgType>text</MsgType><Content>&c;</Content><MsgId>1</MsgId></xml>"
        )
        response = post_callback(client, wecom, bomb)
    elif case == "oversize":
        response = client.post(
            f"/wecom/callback?msg_signature=x&timestamp={int(time.time())}&nonce=1",
            data="<xml>" + "A" * 70_000 + "</xml>",
            content_type="text/xml",
        )
    else:  # encrypted for another corp (receive id check)
        other = MessageCrypto(wecom.token, wecom.encoding_aes_key, "ww-someone-else")
        timestamp = str(int(time.time()))
        encrypted, signature = other.seal(xml.encode(), timestamp=timestamp, nonce="1")
        response = client.post(
            f"/wecom/callback?msg_signature={signature}&timestamp={timestamp}&nonce=1",
            data=wecom.envelope(encrypted),
            content_type="text/xml",
        )
    assert response.status_code == status
    assert InboundMessage.objects.count() == 0
    assert Ticket.objects.count() == 0


def test_callbacks_are_refused_while_wecom_is_off(db, client):
    assert (
        client.post(
            "/wecom/callback?timestamp=1", data="<xml/>", content_type="text/xml"
        ).status_code
        == 503
    )


# --- the conversation ------------------------------------------------------------------------


@pytest.fixture
def printer_article(db, engineer_wang, manager_zhao):
    article = kb.article_save(
        article=None,
        actor=engineer_wang,
        data={
            "title": "腕带打印机无法打印的处理方法",
            "summary": "腕带打印机亮红灯或不出纸时按以下步骤检查。",
            "body": "<ol><li>检查碳带和腕带是否装好</li><li>长按进纸键校准</li></ol>",
            "keywords": ["腕带", "打印机", "无法打印", "红灯"],
        },
        relations={},
    )
    return kb.article_publish(article=article, actor=manager_zhao)


def push(client, fake, xml, capture):
    with capture(execute=True):
        assert post_callback(client, fake, xml).status_code == 200
    run_inbox()


def test_a_known_question_is_answered_and_转人工_makes_the_ticket(
    wecom, client, printer_article, django_capture_on_commit_callbacks
):
    push(
        client,
        wecom,
        wecom.text_message("nurse_li", "腕带打印机无法打印，一直亮红灯"),
        django_capture_on_commit_callbacks,
    )
    assert Ticket.objects.count() == 0
    card = wecom.messages_to("nurse_li")[-1]
    assert card.msgtype == "template_card"
    assert card.body["template_card"]["main_title"]["title"].startswith("腕带打印机")
    question = Question.objects.get()
    assert question.answered and question.channel == "wecom"

    push(
        client, wecom, wecom.text_message("nurse_li", "转人工"), django_capture_on_commit_callbacks
    )
    ticket = Ticket.objects.get()
    assert "腕带打印机" in ticket.title
    question.refresh_from_db()
    assert question.outcome == Outcome.TICKET and question.ticket == ticket


def test_the_solved_button_closes_the_question_and_greys_out_the_card(
    wecom, client, printer_article, django_capture_on_commit_callbacks
):
    push(
        client,
        wecom,
        wecom.text_message("nurse_li", "腕带打印机打不出来"),
        django_capture_on_commit_callbacks,
    )
    question = Question.objects.get()
    task_id = f"kb-{question.pk}"
    click = wecom.template_card_event(
        "nurse_li", f"kb_solved:{question.pk}", task_id, "button_interaction"
    )
    push(client, wecom, click, django_capture_on_commit_callbacks)
    question.refresh_from_db()
    assert question.outcome == Outcome.SOLVED
    assert Ticket.objects.count() == 0
    update = OutboundMessage.objects.get(kind=OutboundKind.UPDATE_CARD)
    assert update.status == OutboundStatus.SENT
    assert wecom.card(task_id).replace_name == "已解决"


def test_a_photo_and_a_voice_message_join_the_ticket_as_playable_attachments(
    wecom, client, django_capture_on_commit_callbacks
):
    import shutil

    from hitsm.servicedesk.tests.audio import amr_nb

    if shutil.which("ffmpeg") is None:
        pytest.skip("ffmpeg is not installed (CI installs it)")
    photo = wecom.add_media(JPEG, "image/jpeg", "photo.jpg")
    voice = wecom.add_media(amr_nb(seconds=1.0), "audio/amr", "voice.amr")
    # The photo comes first and waits for the text that creates the ticket.
    push(client, wecom, wecom.image_message("nurse_li", photo), django_capture_on_commit_callbacks)
    assert Ticket.objects.count() == 0
    with django_capture_on_commit_callbacks(execute=True):
        post_callback(client, wecom, wecom.text_message("nurse_li", "收费处的发票打印机卡纸了"))
        run_inbox()  # the text makes the ticket and re-queues the waiting photo
    run_inbox()
    with django_capture_on_commit_callbacks(execute=True):  # the voice and its MP3 copy
        post_callback(client, wecom, wecom.voice_message("nurse_li", voice))
        run_inbox()
    ticket = Ticket.objects.get()
    kinds = sorted(a.kind for a in Attachment.objects.filter(ticket=ticket))
    assert kinds == ["audio", "image"]
    audio = Attachment.objects.get(ticket=ticket, kind="audio")
    assert audio.content_type == "audio/amr"
    assert audio.transcode_status == "done" and audio.playback.name.endswith(".mp3")


def test_进度_lists_my_open_tickets(wecom, client, make_ticket, django_capture_on_commit_callbacks):
    ticket = make_ticket()
    push(client, wecom, wecom.text_message("nurse_li", "进度"), django_capture_on_commit_callbacks)
    card = wecom.messages_to("nurse_li")[-1]
    assert ticket.number in card.body["textcard"]["description"]


def test_an_unbound_wecom_user_is_told_how_to_bind_once_a_day(
    wecom, client, django_capture_on_commit_callbacks
):
    wecom.add_user("stranger", "路人")
    for text in ("电脑坏了", "还是坏的"):
        push(
            client, wecom, wecom.text_message("stranger", text), django_capture_on_commit_callbacks
        )
    assert Ticket.objects.count() == 0
    assert len(wecom.messages_to("stranger")) == 1
    assert InboundMessage.objects.filter(status=InboundStatus.IGNORED).count() == 2


def test_an_engineer_accepts_from_the_task_card(
    wecom,
    client,
    make_ticket,
    desktop_group,
    engineer_wang,
    agent_chen,
    django_capture_on_commit_callbacks,
):
    from hitsm.servicedesk.services import ticket_accept, ticket_assign

    ticket = make_ticket()
    ticket_accept(ticket=ticket, actor=agent_chen)
    ticket = ticket_assign(ticket=ticket, actor=agent_chen, group=desktop_group)
    kind, payload = messages.task_card(ticket=ticket, title="新工单", body="")
    with django_capture_on_commit_callbacks(execute=True):
        outbox.queue(kind=kind, dedupe_key="t", payload=payload, to_users=["engineer_wang"])
    task_id = payload["template_card"]["task_id"]
    click = wecom.template_card_event(
        "engineer_wang", f"accept:{ticket.pk}", task_id, "button_interaction"
    )
    push(client, wecom, click, django_capture_on_commit_callbacks)
    ticket.refresh_from_db()
    assert ticket.status == "in_progress" and ticket.assignee == engineer_wang
    assert wecom.card(task_id).replace_name == "已接单"


# --- the outbox ------------------------------------------------------------------------------


def queue_text(content: str = "测试") -> OutboundMessage:
    row = outbox.queue(
        kind=OutboundKind.TEXT,
        dedupe_key=f"test:{content}",
        payload={"msgtype": "text", "text": {"content": content}},
        to_users=["nurse_li"],
    )
    assert row is not None
    return row


def test_an_expired_token_mid_send_is_refreshed_once(wecom):
    first = queue_text("一")
    assert outbox.deliver(outbound_id=first.pk)
    wecom.expire_tokens()
    second = queue_text("二")
    assert outbox.deliver(outbound_id=second.pk)
    assert len(wecom.calls_to("/cgi-bin/gettoken")) == 2
    assert [m.content for m in wecom.messages_to("nurse_li")] == ["一", "二"]


def test_a_refused_token_is_not_retried_forever(wecom):
    wecom.fail_next("/cgi-bin/message/send", 40014, times=5)
    row = queue_text()
    assert not outbox.deliver(outbound_id=row.pk)
    assert len(wecom.calls_to("/cgi-bin/gettoken")) == 2  # the first token and one refresh
    row.refresh_from_db()
    assert row.status == OutboundStatus.PENDING and row.errcode == 40014


def test_throttling_backs_off_opens_the_breaker_and_delivers_later(wecom, time_machine):
    wecom.fail_next("/cgi-bin/message/send", 45009)
    row = queue_text()
    assert not outbox.deliver(outbound_id=row.pk)
    row.refresh_from_db()
    assert row.status == OutboundStatus.PENDING and row.errcode == 45009
    assert row.next_attempt_at is not None
    other = queue_text("另一条")
    assert not outbox.deliver(outbound_id=other.pk)  # the breaker is open: no call made
    assert len(wecom.calls_to("/cgi-bin/message/send")) == 1
    cache.clear()  # the breaker's pause is over
    time_machine.move_to(timezone.now() + timedelta(minutes=1), tick=False)
    assert outbox.dispatch_due() == 2
    assert len(wecom.messages_to("nurse_li")) == 2


def test_partly_invalid_recipients_are_logged(wecom):
    row = outbox.queue(
        kind=OutboundKind.TEXT,
        dedupe_key="partial",
        payload={"msgtype": "text", "text": {"content": "x"}},
        to_users=["nurse_li", "nobody_here"],
    )
    assert outbox.deliver(outbound_id=row.pk)
    row.refresh_from_db()
    assert row.status == OutboundStatus.PARTIAL and row.invalid_users == ["nobody_here"]


def test_the_same_event_is_queued_once(wecom):
    assert queue_text("同一") is not None
    assert outbox.queue(kind="text", dedupe_key="test:同一", payload={}, to_users=[]) is None


# --- the admin API ---------------------------------------------------------------------------


def test_admins_configure_test_and_read_the_logs(
    db, wecom_fake, client_for, admin_user, agent_chen
):
    api = client_for(admin_user)
    response = api.put(
        reverse("wecom-config"),
        {
            "enabled": True,
            "corp_id": wecom_fake.corp_id,
            "agent_id": wecom_fake.agent_id,
            "base_url": wecom_fake.base_url,
            "secret": wecom_fake.secret,
            "encoding_aes_key": "short",
        },
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["encoding_aes_key"]
    response = api.put(
        reverse("wecom-config"),
        {
            "enabled": True,
            "corp_id": wecom_fake.corp_id,
            "agent_id": wecom_fake.agent_id,
            "base_url": wecom_fake.base_url,
            "secret": wecom_fake.secret,
        },
        format="json",
    )
    assert response.status_code == 200
    body = response.json()
    assert body["secret_set"] is True and "secret" not in body
    assert body["callback_url"].endswith("/wecom/callback")
    assert WeComSettings.objects.get().secret_sealed != wecom_fake.secret  # sealed at rest
    result = api.post(reverse("wecom-config-test")).json()
    assert result["ok"] is True
    keys = api.post(reverse("wecom-config-keys")).json()
    assert len(keys["encoding_aes_key"]) == 43
    assert api.get(reverse("wecom-inbound-list")).status_code == 200
    assert api.get(reverse("wecom-outbound-list")).status_code == 200
    assert client_for(agent_chen).get(reverse("wecom-config")).status_code == 403
    assert client_for(agent_chen).get(reverse("wecom-outbound-list")).status_code == 403
