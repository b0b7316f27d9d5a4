"""WeCom login for the H5 portal (OAuth2, binding on first password login), JS-SDK signatures,
incident group chats that follow the ticket, and notifications delivered as WeCom cards."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from django.urls import reverse

from hitsm.accounts.tests.factories import PASSWORD
from hitsm.servicedesk.services import ticket_accept, ticket_assign, ticket_reply, ticket_resolve
from hitsm.wecom import outbox
from hitsm.wecom.models import GroupChat, OutboundKind, OutboundMessage, OutboundStatus
from hitsm.wecom.tests.test_channel import configure


@pytest.fixture
def wecom(db, wecom_fake, nurse_li, engineer_wang, agent_chen, manager_zhao):
    configure(wecom_fake)
    for user in (nurse_li, engineer_wang, agent_chen, manager_zhao):
        user.wecom_userid = user.username
        user.save(update_fields=["wecom_userid"])
    return wecom_fake


def through_wecom(client, fake, next_path: str = "/h5/tickets"):
    """Open an H5 link inside WeCom: our start page → WeCom's authorize page → our callback."""
    start = client.get(reverse("wecom-oauth-start"), {"next": next_path})
    assert start.status_code == 302
    authorize = httpx.get(start["Location"].split("#")[0], follow_redirects=False)
    assert authorize.status_code == 302, authorize.text
    back = urlsplit(authorize.headers["location"])
    return client.get(
        back.path, parse_qs(back.query) and {k: v[0] for k, v in parse_qs(back.query).items()}
    )


def test_a_bound_member_signs_in_through_wecom_and_lands_on_the_page(wecom, client, nurse_li):
    wecom.set_browser_user("nurse_li")
    response = through_wecom(client, wecom, "/h5/tickets/7")
    assert response.status_code == 302 and response["Location"] == "/h5/tickets/7"
    me = client.get(reverse("auth-me")).json()
    assert me["username"] == "nurse_li"
    # Signed in already: the start page goes straight to the target.
    again = client.get(reverse("wecom-oauth-start"), {"next": "/h5/"})
    assert again["Location"] == "/h5/"


def test_an_unbound_member_binds_with_one_password_login(wecom, client, outsider):
    wecom.add_user("jyk_tech", "检验科技师")
    wecom.set_browser_user("jyk_tech")
    response = through_wecom(client, wecom)
    assert response["Location"] == "/h5/login?wecom=unbound"
    assert client.get(reverse("auth-me")).status_code in (401, 403)
    client.get(reverse("auth-csrf"))
    login = client.post(
        reverse("auth-login"),
        {"username": "outsider", "password": PASSWORD},
        content_type="application/json",
        HTTP_X_CSRFTOKEN=client.cookies["csrftoken"].value,
    )
    assert login.status_code == 200
    outsider.refresh_from_db()
    assert outsider.wecom_userid == "jyk_tech"
    client.post(reverse("auth-logout"), HTTP_X_CSRFTOKEN=client.cookies["csrftoken"].value)
    assert through_wecom(client, wecom)["Location"] == "/h5/tickets"  # now a plain sign-in


def test_a_replayed_code_or_forged_state_does_not_sign_in(wecom, client, nurse_li):
    code = wecom.issue_oauth_code("nurse_li")
    start = client.get(reverse("wecom-oauth-start"), {"next": "/h5/"})
    state = parse_qs(urlsplit(start["Location"].split("#")[0]).query)["state"][0]
    first = client.get(reverse("wecom-oauth-callback"), {"code": code, "state": state})
    assert first["Location"] == "/h5/"
    client.logout()
    client.get(reverse("wecom-oauth-start"), {"next": "/h5/"})
    replay = client.get(reverse("wecom-oauth-callback"), {"code": code, "state": state})
    assert replay["Location"] == "/h5/login?wecom=failed"  # the nonce was spent, the code too
    assert client.get(reverse("auth-me")).status_code in (401, 403)


def test_jssdk_signatures_match_the_tickets(wecom, client_for, nurse_li, settings):
    url = f"{settings.SITE_URL}/h5/tickets/new?x=1"
    body = client_for(nurse_li).get(reverse("wecom-jssdk"), {"url": url + "#frag"}).json()
    corp, agent = body["corp"], body["agent"]
    corp_ticket = next(t for t, (kind, _) in wecom.tickets.items() if kind != "agent_config")
    agent_ticket = next(t for t, (kind, _) in wecom.tickets.items() if kind == "agent_config")
    assert corp["signature"] == wecom.jsapi_signature(
        corp_ticket, corp["nonceStr"], corp["timestamp"], url
    )
    assert agent["signature"] == wecom.jsapi_signature(
        agent_ticket, agent["nonceStr"], agent["timestamp"], url
    )
    foreign = client_for(nurse_li).get(reverse("wecom-jssdk"), {"url": "https://evil.example/"})
    assert foreign.status_code == 400


# --- incident group chats --------------------------------------------------------------------


def test_the_incident_chat_gathers_the_people_and_follows_the_ticket(
    wecom,
    client_for,
    make_ticket,
    desktop_group,
    agent_chen,
    engineer_wang,
    manager_zhao,
    nurse_li,
    django_capture_on_commit_callbacks,
):
    desktop_group.manager = manager_zhao
    desktop_group.save()
    ticket = make_ticket()
    ticket_accept(ticket=ticket, actor=agent_chen)
    ticket_assign(ticket=ticket, actor=agent_chen, group=desktop_group)
    api = client_for(agent_chen)
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(reverse("wecom-chat-list"), {"ticket": ticket.pk}, format="json")
    assert response.status_code == 201, response.content
    chat = GroupChat.objects.get()
    fake_chat = wecom.chats[chat.chat_id]
    assert set(fake_chat.userlist) == {"agent_chen", "manager_zhao"}
    assert response.json()["status"] == "sent"
    again = api.post(reverse("wecom-chat-list"), {"ticket": ticket.pk}, format="json")
    assert again.status_code == 409 and again.json()["error"]["code"] == "wecom.chat_exists"

    with django_capture_on_commit_callbacks(execute=True):
        ticket_assign(ticket=ticket, actor=agent_chen, assignee=engineer_wang)
        ticket_reply(ticket=ticket, actor=nurse_li, body="三楼另一台也坏了")
    outbox.dispatch_due()
    assert "engineer_wang" in wecom.chats[chat.chat_id].userlist
    posted = [m.content for m in wecom.messages if m.chatid == chat.chat_id]
    assert any("三楼另一台也坏了" in (text or "") for text in posted)
    # Requesters cannot open chats or see them.
    assert (
        client_for(nurse_li)
        .post(reverse("wecom-chat-list"), {"ticket": ticket.pk}, format="json")
        .status_code
        == 403
    )
    assert client_for(nurse_li).get(reverse("wecom-chat-list")).status_code == 403


def test_a_chat_needs_two_bound_members_and_an_incident(wecom, client_for, make_ticket, agent_chen):
    request = make_ticket(kind="request", title="申请一台新电脑")
    refused = client_for(agent_chen).post(
        reverse("wecom-chat-list"), {"ticket": request.pk}, format="json"
    )
    assert refused.status_code == 400
    assert refused.json()["error"]["code"] == "wecom.chat_incidents_only"
    lonely = make_ticket()
    refused = client_for(agent_chen).post(
        reverse("wecom-chat-list"), {"ticket": lonely.pk}, format="json"
    )
    assert refused.json()["error"]["code"] == "wecom.chat_too_few"
    assert GroupChat.objects.count() == 0


# --- notifications as WeCom messages ---------------------------------------------------------


def test_engineers_get_a_task_card_and_requesters_a_card_when_resolved(
    wecom,
    make_ticket,
    desktop_group,
    agent_chen,
    engineer_wang,
    nurse_li,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        ticket = make_ticket()
        ticket_accept(ticket=ticket, actor=agent_chen)
        ticket_assign(ticket=ticket, actor=agent_chen, group=desktop_group, assignee=engineer_wang)
    task = wecom.messages_to("engineer_wang")[-1]
    assert task.msgtype == "template_card"
    assert task.body["template_card"]["button_list"][0]["key"] == f"accept:{ticket.pk}"
    with django_capture_on_commit_callbacks(execute=True):
        ticket_resolve(
            ticket=ticket,
            actor=engineer_wang,
            notes="更换硒鼓后恢复",
            code="replaced",
        )
    resolved = [m for m in wecom.messages_to("nurse_li") if m.msgtype == "textcard"]
    assert any("解决" in m.body["textcard"]["title"] for m in resolved)
    assert f"/h5/tickets/{ticket.pk}" in resolved[-1].body["textcard"]["url"].replace("%2F", "/")
    assert not OutboundMessage.objects.exclude(
        status__in=(OutboundStatus.SENT, OutboundStatus.PARTIAL)
    ).exists()
    assert OutboundMessage.objects.filter(kind=OutboundKind.TEMPLATE_CARD).count() >= 1


def test_photos_and_voice_taken_in_wecom_join_the_ticket_by_media_id(
    wecom, client_for, make_ticket, nurse_li, outsider
):
    from hitsm.wecom.tests.test_channel import JPEG

    ticket = make_ticket()
    photo = wecom.add_media(JPEG, "image/jpeg", "")
    api = client_for(nurse_li)
    response = api.post(
        reverse("wecom-media"), {"ticket": ticket.pk, "media_ids": [photo]}, format="json"
    )
    assert response.status_code == 201, response.content
    assert response.json()[0]["kind"] == "image"
    expired = api.post(
        reverse("wecom-media"), {"ticket": ticket.pk, "media_ids": ["gone"]}, format="json"
    )
    assert expired.status_code == 400 and expired.json()["error"]["code"] == "wecom.bad_media"
    stranger = client_for(outsider).post(
        reverse("wecom-media"), {"ticket": ticket.pk, "media_ids": [photo]}, format="json"
    )
    assert stranger.status_code == 404
    assert ticket.attachments.count() == 1


def test_the_survey_arrives_as_a_card_and_a_click_records_the_answer(
    wecom,
    client,
    make_ticket,
    desktop_group,
    agent_chen,
    engineer_wang,
    nurse_li,
    django_capture_on_commit_callbacks,
):
    from hitsm.surveys.models import Survey
    from hitsm.wecom.tests.test_channel import post_callback, run_inbox

    with django_capture_on_commit_callbacks(execute=True):
        ticket = make_ticket()
        ticket_accept(ticket=ticket, actor=agent_chen)
        ticket_assign(ticket=ticket, actor=agent_chen, group=desktop_group, assignee=engineer_wang)
        ticket_resolve(ticket=ticket, actor=engineer_wang, notes="已更换硒鼓", code="replaced")
    card = next(
        m
        for m in wecom.messages_to("nurse_li")
        if m.msgtype == "template_card"
        and m.body["template_card"]["card_type"] == "multiple_interaction"
    )
    body = card.body["template_card"]
    assert [q["question_key"] for q in body["select_list"]] == ["technical", "response", "attitude"]
    click = wecom.template_card_event(
        "nurse_li",
        body["submit_button"]["key"],
        body["task_id"],
        "multiple_interaction",
        selected_items={"technical": ["5"], "response": ["4"], "attitude": ["2"]},
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert post_callback(client, wecom, click).status_code == 200
        run_inbox()
    survey = Survey.objects.get(ticket=ticket)
    assert survey.scores() == {"technical": 5, "response": 4, "attitude": 2}
    assert survey.answered_channel == "wecom"
    assert wecom.card(body["task_id"]).replace_name == "已评价"
    assert "服务经理" in (wecom.messages_to("nurse_li")[-1].content or "")
    from hitsm.surveys.models import FollowUp

    assert FollowUp.objects.filter(survey=survey).count() == 1  # attitude 2 ≤ the threshold
