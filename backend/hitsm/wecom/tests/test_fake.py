"""The fake WeCom server itself, spoken to with plain httpx as our client will."""

from __future__ import annotations

import io
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, parse_qsl, urlsplit

import httpx
import pytest
from defusedxml import ElementTree
from django.core.management import call_command

from hitsm.wecom.crypto import MessageCrypto, signature
from hitsm.wecom.fake import FakeWeCom


@pytest.fixture
def http(wecom_fake) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=wecom_fake.base_url, trust_env=False, timeout=5) as client:
        yield client


@pytest.fixture
def token(wecom_fake, http) -> str:
    return http.get(
        "/cgi-bin/gettoken", params={"corpid": wecom_fake.corp_id, "corpsecret": wecom_fake.secret}
    ).json()["access_token"]


def send(http, token, **body):
    return http.post("/cgi-bin/message/send", params={"access_token": token}, json=body).json()


def text(wecom_fake, touser, content="Printer on ward 3 is jammed"):
    return {
        "touser": touser,
        "agentid": wecom_fake.agent_id,
        "msgtype": "text",
        "text": {"content": content},
    }


def button_card(wecom_fake, task_id="T1001", touser="agent_chen"):
    return {
        "touser": touser,
        "agentid": wecom_fake.agent_id,
        "msgtype": "template_card",
        "template_card": {
            "card_type": "button_interaction",
            "main_title": {"title": "INC-1001 assigned to you"},
            "task_id": task_id,
            "button_list": [{"text": "Accept", "key": "accept"}],
        },
    }


# -- a tiny callback receiver for the pusher --------------------------------------------------


@dataclass
class Received:
    query: dict[str, str]
    body: str


@dataclass
class Receiver:
    answers: list[Callable[[Received], tuple[int, str, float]]]
    received: list[Received] = field(default_factory=list)
    url: str = ""


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    """Answers each request with the next ``(status, body, delay)``; the last one repeats."""
    state = Receiver(answers=[lambda r: (200, "", 0.0)])

    class Handler(BaseHTTPRequestHandler):
        def _serve(self):
            length = int(self.headers.get("Content-Length") or 0)
            got = Received(
                dict(parse_qsl(urlsplit(self.path).query)), self.rfile.read(length).decode()
            )
            state.received.append(got)
            answer = state.answers[min(len(state.received), len(state.answers)) - 1]
            status, body, delay = answer(got)
            time.sleep(delay)
            try:
                self.send_response(status)
                self.send_header("Content-Length", str(len(body.encode())))
                self.end_headers()
                self.wfile.write(body.encode())
            except OSError:
                pass  # the pusher gave up waiting

        do_GET = do_POST = _serve

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}/wecom/callback?src=test"
    yield state
    server.shutdown()
    server.server_close()
    thread.join()


def crypto_of(fake: FakeWeCom) -> MessageCrypto:
    return MessageCrypto(fake.token, fake.encoding_aes_key, fake.corp_id)


def fields_of(xml: str) -> dict[str, str]:
    return {child.tag: child.text or "" for child in ElementTree.fromstring(xml)}


# -- the test-suite network guard -------------------------------------------------------------


def test_it_refuses_dns_lookups_of_real_hosts():
    with pytest.raises(RuntimeError, match="non-loopback"):
        socket.getaddrinfo("qyapi.weixin.qq.com", 443)
    with pytest.raises((RuntimeError, httpx.HTTPError)):
        httpx.get("https://qyapi.weixin.qq.com", timeout=2)
    assert socket.getaddrinfo("localhost", 80)
    assert socket.getaddrinfo("127.0.0.1", 80)


# -- access tokens ----------------------------------------------------------------------------


def test_it_issues_a_token_and_hands_out_the_same_one_while_valid(wecom_fake, http):
    params = {"corpid": wecom_fake.corp_id, "corpsecret": wecom_fake.secret}
    first = http.get("/cgi-bin/gettoken", params=params)
    assert first.status_code == 200
    assert first.json()["errcode"] == 0
    assert first.json()["expires_in"] == 7200
    second = http.get("/cgi-bin/gettoken", params=params).json()
    assert second["access_token"] == first.json()["access_token"]
    assert len(wecom_fake.calls_to("gettoken")) == 2


def test_it_refuses_a_wrong_corpid_or_secret(wecom_fake, http):
    wrong_corp = http.get("/cgi-bin/gettoken", params={"corpid": "ww0", "corpsecret": "x"})
    assert wrong_corp.status_code == 200
    assert wrong_corp.json()["errcode"] == 40013
    wrong_secret = http.get(
        "/cgi-bin/gettoken", params={"corpid": wecom_fake.corp_id, "corpsecret": "nope"}
    ).json()
    assert wrong_secret["errcode"] == 40001
    assert "access_token" not in wrong_secret


def test_it_checks_the_token_on_every_call(wecom_fake, http, token):
    url = "/cgi-bin/user/get"
    assert http.get(url, params={"userid": "nurse_li"}).json()["errcode"] == 41001
    bogus = http.get(url, params={"userid": "nurse_li", "access_token": "bogus"}).json()
    assert bogus["errcode"] == 40014
    assert http.get(url, params={"userid": "nurse_li", "access_token": token}).json() == {
        "errcode": 0,
        "errmsg": "ok",
        "userid": "nurse_li",
        "name": "Li Na",
        "department": [2],
        "main_department": 2,
        "status": 1,
    }
    wecom_fake.expire_tokens()
    expired = http.get(url, params={"userid": "nurse_li", "access_token": token}).json()
    assert expired["errcode"] == 42001
    fresh = http.get(
        "/cgi-bin/gettoken", params={"corpid": wecom_fake.corp_id, "corpsecret": wecom_fake.secret}
    ).json()["access_token"]
    assert fresh != token
    assert http.get(url, params={"userid": "ghost", "access_token": fresh}).json()["errcode"] == (
        60111
    )


# -- message/send -----------------------------------------------------------------------------


def test_it_sends_and_reports_the_invalid_users(wecom_fake, http, token):
    answer = send(http, token, **text(wecom_fake, "nurse_li|ghost|outsider"))
    assert answer["errcode"] == 0
    assert answer["invaliduser"] == "ghost|outsider"
    assert answer["msgid"]
    [message] = wecom_fake.messages
    assert message.touser == ["nurse_li"]
    assert message.content == "Printer on ward 3 is jammed"
    assert wecom_fake.messages_to("nurse_li") == [message]


def test_it_refuses_a_message_nobody_can_receive(wecom_fake, http, token):
    assert send(http, token, **text(wecom_fake, "ghost|outsider"))["errcode"] == 81013
    assert wecom_fake.messages == []


def test_it_reaches_a_department_and_everyone(wecom_fake, http, token):
    body = {**text(wecom_fake, ""), "toparty": "3|99"}
    answer = send(http, token, **body)
    assert answer["invalidparty"] == "99"
    assert wecom_fake.messages[0].touser == ["agent_chen", "engineer_wang", "manager_zhao"]
    send(http, token, **text(wecom_fake, "@all"))
    assert len(wecom_fake.messages[1].touser) == 4


@pytest.mark.parametrize(
    ("change", "errcode"),
    [
        ({"agentid": 1}, 40056),
        ({"agentid": None}, 41011),
        ({"msgtype": "sticker"}, 40008),
        ({"text": {"content": ""}}, 44004),
        ({"msgtype": "textcard", "textcard": {"title": "t", "url": "http://x"}}, 41033),
        ({"msgtype": "image", "image": {"media_id": "nope"}}, 40007),
        ({"msgtype": "template_card", "template_card": {"card_type": "poster"}}, 40058),
    ],
)
def test_it_validates_the_message(wecom_fake, http, token, change, errcode):
    assert send(http, token, **{**text(wecom_fake, "nurse_li"), **change})["errcode"] == errcode


def test_it_answers_data_format_error_for_bad_json(wecom_fake, http, token):
    answer = http.post(
        "/cgi-bin/message/send", params={"access_token": token}, content=b"{not json"
    )
    assert answer.status_code == 200
    assert answer.json()["errcode"] == 47001


# -- template cards ---------------------------------------------------------------------------


def test_a_card_response_code_updates_the_card_once(wecom_fake, http, token):
    sent = send(http, token, **button_card(wecom_fake))
    code = sent["response_code"]
    update = {
        "userids": ["agent_chen"],
        "agentid": wecom_fake.agent_id,
        "response_code": code,
        "button": {"replace_name": "Accepted"},
    }
    url, params = "/cgi-bin/message/update_template_card", {"access_token": token}
    assert http.post(url, params=params, json=update).json() == {
        "errcode": 0,
        "errmsg": "ok",
        "invaliduser": [],
    }
    card = wecom_fake.card("T1001")
    assert card.replace_name == "Accepted"
    assert wecom_fake.cards[code] is card
    assert http.post(url, params=params, json=update).json()["errcode"] == 40058
    unknown = {**update, "response_code": "forged"}
    assert http.post(url, params=params, json=unknown).json()["errcode"] == 40058


def test_each_card_click_carries_a_fresh_response_code(wecom_fake, http, token):
    send(http, token, **button_card(wecom_fake))
    xml = wecom_fake.template_card_event(
        "agent_chen", "accept", "T1001", "button_interaction", {"q1": ["a", "b"]}
    )
    fields = fields_of(xml)
    assert fields["Event"] == "template_card_event"
    assert fields["TaskId"] == "T1001"
    items = ElementTree.fromstring(xml).find("SelectedItems/SelectedItem")
    assert items.findtext("QuestionKey") == "q1"
    assert [o.text for o in items.iter("OptionId")] == ["a", "b"]
    new_card = {"card_type": "text_notice", "main_title": {"title": "Accepted by Chen"}}
    answer = http.post(
        "/cgi-bin/message/update_template_card",
        params={"access_token": token},
        json={
            "userids": ["agent_chen"],
            "agentid": wecom_fake.agent_id,
            "response_code": fields["ResponseCode"],
            "template_card": new_card,
        },
    ).json()
    assert answer["errcode"] == 0
    assert wecom_fake.card("T1001").card == new_card


def test_a_task_id_is_used_once_and_notices_have_no_response_code(wecom_fake, http, token):
    send(http, token, **button_card(wecom_fake))
    assert send(http, token, **button_card(wecom_fake))["errcode"] == 40058
    notice = button_card(wecom_fake)
    notice["template_card"] = {"card_type": "text_notice", "main_title": {"title": "FYI"}}
    answer = send(http, token, **notice)
    assert answer["errcode"] == 0
    assert "response_code" not in answer


# -- media ------------------------------------------------------------------------------------


def test_it_stores_and_returns_media(wecom_fake, http, token):
    data = b"\xff\xd8\xff\xe0 a jpeg \r\n--with--dashes\r\n\x00"
    uploaded = http.post(
        "/cgi-bin/media/upload",
        params={"access_token": token, "type": "image"},
        files={"media": ("screen.jpg", data, "image/jpeg")},
    ).json()
    assert uploaded["errcode"] == 0
    assert uploaded["type"] == "image"
    assert uploaded["created_at"].isdigit()
    got = http.get(
        "/cgi-bin/media/get", params={"access_token": token, "media_id": uploaded["media_id"]}
    )
    assert got.content == data
    assert got.headers["content-type"] == "image/jpeg"
    assert got.headers["content-disposition"] == 'attachment; filename="screen.jpg"'

    voice = wecom_fake.add_media(b"#!AMR\n", "audio/amr", "voice.amr")
    got = http.get("/cgi-bin/media/get", params={"access_token": token, "media_id": voice})
    assert got.headers["content-type"] == "audio/amr"


def test_an_unknown_media_id_answers_json_with_http_200(wecom_fake, http, token):
    got = http.get("/cgi-bin/media/get", params={"access_token": token, "media_id": "nope"})
    assert got.status_code == 200
    assert got.headers["content-type"].startswith("application/json")
    assert got.json() == {"errcode": 40007, "errmsg": "invalid media_id"}
    bad_type = http.post(
        "/cgi-bin/media/upload",
        params={"access_token": token, "type": "gif"},
        files={"media": ("a.gif", b"GIF89a")},
    ).json()
    assert bad_type["errcode"] == 40005


# -- group chats ------------------------------------------------------------------------------


def test_it_creates_updates_and_sends_to_a_group_chat(wecom_fake, http, token):
    params = {"access_token": token}
    create = {"name": "INC-1001", "owner": "agent_chen", "userlist": ["agent_chen", "nurse_li"]}
    chatid = http.post("/cgi-bin/appchat/create", params=params, json=create).json()["chatid"]
    update = {"chatid": chatid, "add_user_list": ["engineer_wang"], "del_user_list": ["nurse_li"]}
    assert http.post("/cgi-bin/appchat/update", params=params, json=update).json()["errcode"] == 0
    info = http.get("/cgi-bin/appchat/get", params={**params, "chatid": chatid}).json()
    assert info["chat_info"] == {
        "chatid": chatid,
        "name": "INC-1001",
        "owner": "agent_chen",
        "userlist": ["agent_chen", "engineer_wang"],
        "chat_type": 0,
    }
    message = {"chatid": chatid, "msgtype": "markdown", "markdown": {"content": "**On it**"}}
    assert http.post("/cgi-bin/appchat/send", params=params, json=message).json()["errcode"] == 0
    assert wecom_fake.messages[0].chatid == chatid
    assert wecom_fake.messages[0].content == "**On it**"


def test_it_refuses_bad_group_chats(wecom_fake, http, token):
    params = {"access_token": token}

    def create(**body):
        return http.post("/cgi-bin/appchat/create", params=params, json=body).json()["errcode"]

    assert create(userlist=["agent_chen"]) == 86006
    assert create(userlist=["agent_chen", "ghost"]) == 86007
    assert create(userlist=["agent_chen", "nurse_li"], owner="manager_zhao") == 86005
    assert create(userlist=["agent_chen", "nurse_li"], chatid="INC1001") == 0
    assert create(userlist=["agent_chen", "nurse_li"], chatid="INC1001") == 86215
    missing = {"chatid": "nope", "msgtype": "text", "text": {"content": "hi"}}
    assert http.post("/cgi-bin/appchat/send", params=params, json=missing).json()["errcode"] == (
        86003
    )
    got = http.get("/cgi-bin/appchat/get", params={**params, "chatid": "nope"}).json()
    assert got["errcode"] == 86003
    update = http.post("/cgi-bin/appchat/update", params=params, json={"chatid": "nope"}).json()
    assert update["errcode"] == 86003


# -- OAuth and JS-SDK -------------------------------------------------------------------------


def test_an_oauth_code_works_once(wecom_fake, http, token):
    code = wecom_fake.issue_oauth_code("nurse_li")
    params = {"access_token": token, "code": code}
    assert http.get("/cgi-bin/auth/getuserinfo", params=params).json() == {
        "errcode": 0,
        "errmsg": "ok",
        "userid": "nurse_li",
    }
    assert http.get("/cgi-bin/auth/getuserinfo", params=params).json()["errcode"] == 40029
    unknown = {"access_token": token, "code": "forged"}
    assert http.get("/cgi-bin/auth/getuserinfo", params=unknown).json()["errcode"] == 40029
    outsider = {"access_token": token, "code": wecom_fake.issue_oauth_code("outsider")}
    answer = http.get("/cgi-bin/auth/getuserinfo", params=outsider).json()
    assert "userid" not in answer
    assert answer["openid"]


def test_the_authorize_page_redirects_with_a_code_for_the_browser_user(wecom_fake, http, token):
    wecom_fake.set_browser_user("agent_chen")
    query = {
        "appid": wecom_fake.corp_id,
        "redirect_uri": "http://127.0.0.1:8000/wecom/oauth?next=/tickets",
        "response_type": "code",
        "scope": "snsapi_privateinfo",
        "state": "s1",
        "agentid": str(wecom_fake.agent_id),
    }
    page = http.get("/connect/oauth2/authorize", params=query)
    assert page.status_code == 302
    location = urlsplit(page.headers["location"])
    assert location.path == "/wecom/oauth"
    returned = parse_qs(location.query)
    assert returned["next"] == ["/tickets"]
    assert returned["state"] == ["s1"]
    answer = http.get(
        "/cgi-bin/auth/getuserinfo", params={"access_token": token, "code": returned["code"][0]}
    ).json()
    assert answer["userid"] == "agent_chen"
    assert answer["user_ticket"]

    assert http.get("/connect/oauth2/authorize", params={**query, "appid": "x"}).status_code == 400
    wecom_fake.set_browser_user(None)
    assert http.get("/connect/oauth2/authorize", params=query).status_code == 400


def test_it_issues_jsapi_tickets(wecom_fake, http, token):
    corp = http.get("/cgi-bin/get_jsapi_ticket", params={"access_token": token}).json()
    agent = http.get(
        "/cgi-bin/ticket/get", params={"access_token": token, "type": "agent_config"}
    ).json()
    assert corp["expires_in"] == agent["expires_in"] == 7200
    assert corp["ticket"] != agent["ticket"]
    wrong = http.get("/cgi-bin/ticket/get", params={"access_token": token, "type": "x"}).json()
    assert wrong["errcode"] == 91040
    # The Tencent doc's sample values
    assert (
        FakeWeCom.jsapi_signature(
            "sM4AOVdWfPE4DxkXGEs8VMCPGGVi4C3VM0P37wVUCFvkVAy_90u5h9nbSlYy3-Sl-HhTdfl2fzFy1AOcHKP7qg",
            "Wm3WZYTPz0wzccnW",
            1414587457,
            "http://mp.weixin.qq.com?params=value",
        )
        == "0f9de62fce790f9a083d5c99e95740ceb90c27ed"
    )


# -- fault injection --------------------------------------------------------------------------


def test_fail_next_answers_the_error_the_given_number_of_times(wecom_fake, http, token):
    wecom_fake.fail_next("message/send", 45009, times=2)
    assert send(http, token, **text(wecom_fake, "nurse_li")) == {
        "errcode": 45009,
        "errmsg": "api freq out of limit",
    }
    assert send(http, token, **text(wecom_fake, "nurse_li"))["errcode"] == 45009
    assert send(http, token, **text(wecom_fake, "nurse_li"))["errcode"] == 0
    wecom_fake.fail_next("/cgi-bin/gettoken", -1, errmsg="system busy")
    params = {"corpid": wecom_fake.corp_id, "corpsecret": wecom_fake.secret}
    assert http.get("/cgi-bin/gettoken", params=params).json()["errcode"] == -1
    calls = wecom_fake.calls_to("message/send")
    assert len(calls) == 3
    assert calls[0].method == "POST"
    assert calls[0].query == {"access_token": token}
    assert calls[0].json["touser"] == "nurse_li"


def test_delay_next_answers_late(wecom_fake, http, token):
    wecom_fake.delay_next("user/get", 0.5)
    with pytest.raises(httpx.ReadTimeout):
        http.get("/cgi-bin/user/get", params={"access_token": token, "userid": "x"}, timeout=0.1)
    started = time.monotonic()
    http.get("/cgi-bin/user/get", params={"access_token": token, "userid": "x"})
    assert time.monotonic() - started < 0.4


# -- the callback pusher ----------------------------------------------------------------------


def test_it_pushes_an_encrypted_signed_message(wecom_fake, receiver):
    xml = wecom_fake.text_message("nurse_li", "屏幕黑了 ]]> <b>", msg_id=42, create_time=1700000000)
    result = wecom_fake.push(xml, callback_url=receiver.url, timestamp="1700000001", nonce="77")
    assert result.ok
    assert result.attempts == 1
    [got] = receiver.received
    assert got.query["src"] == "test"
    assert got.query["timestamp"] == "1700000001"
    assert got.query["nonce"] == "77"
    outer = fields_of(got.body)
    assert outer["ToUserName"] == wecom_fake.corp_id
    assert outer["AgentID"] == str(wecom_fake.agent_id)
    assert got.query["msg_signature"] == signature(
        wecom_fake.token, "1700000001", "77", outer["Encrypt"]
    )
    plain = crypto_of(wecom_fake).decrypt(outer["Encrypt"]).decode()
    assert plain == xml
    inner = fields_of(plain)
    assert inner["Content"] == "屏幕黑了 ]]> <b>"
    assert inner["MsgType"] == "text"
    assert inner["MsgId"] == "42"
    assert inner["FromUserName"] == "nurse_li"
    assert inner["CreateTime"] == "1700000000"


def test_it_retries_until_the_callback_answers_200(wecom_fake, receiver):
    receiver.answers = [lambda r: (500, "oops", 0.0), lambda r: (500, "oops", 0.0)]
    receiver.answers.append(lambda r: (200, "", 0.0))
    result = wecom_fake.push(wecom_fake.text_message("nurse_li", "hi"), callback_url=receiver.url)
    assert result.status_codes == [500, 500, 200]
    assert result.ok
    assert len({r.body for r in receiver.received}) == 1  # the same envelope each time
    assert len(result.durations) == 3


def test_it_gives_up_after_three_retries_and_retries_timeouts(wecom_fake, receiver):
    receiver.answers = [lambda r: (503, "", 0.0)]
    result = wecom_fake.push(wecom_fake.text_message("nurse_li", "hi"), callback_url=receiver.url)
    assert result.status_codes == [503, 503, 503, 503]
    assert not result.ok

    wecom_fake.push_timeout = 0.3
    receiver.received.clear()
    receiver.answers = [lambda r: (200, "", 1.0), lambda r: (200, "", 0.0)]
    result = wecom_fake.push(wecom_fake.text_message("nurse_li", "hi"), callback_url=receiver.url)
    assert result.status_codes == [None, 200]
    assert result.errors[0].startswith("timeout")


def test_it_opens_a_passive_reply(wecom_fake, receiver):
    crypto = crypto_of(wecom_fake)
    reply_xml = "<xml><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[OK]]></Content></xml>"

    def passive(received):
        encrypted, sig = crypto.seal(reply_xml.encode(), timestamp="1", nonce="2")
        body = (
            f"<xml><Encrypt><![CDATA[{encrypted}]]></Encrypt><MsgSignature><![CDATA[{sig}]]>"
            "</MsgSignature><TimeStamp>1</TimeStamp><Nonce><![CDATA[2]]></Nonce></xml>"
        )
        return 200, body, 0.0

    receiver.answers = [passive]
    result = wecom_fake.push(wecom_fake.text_message("nurse_li", "hi"), callback_url=receiver.url)
    assert result.reply == reply_xml
    assert result.reply_error is None


def test_it_verifies_the_callback_url(wecom_fake, receiver):
    crypto = crypto_of(wecom_fake)

    def echo(received):
        q = received.query
        crypto.verify(q["msg_signature"], q["timestamp"], q["nonce"], q["echostr"])
        return 200, crypto.decrypt(q["echostr"]).decode(), 0.0

    receiver.answers = [echo]
    assert wecom_fake.verify_url(receiver.url, echostr="hello-echo") == "hello-echo"


def test_event_and_media_messages_carry_wecom_fields(wecom_fake):
    event = fields_of(wecom_fake.event_message("nurse_li", "click", "MY_TICKETS"))
    assert (event["MsgType"], event["Event"], event["EventKey"]) == ("event", "click", "MY_TICKETS")
    assert event["AgentID"] == str(wecom_fake.agent_id)
    assert fields_of(wecom_fake.event_message("nurse_li", "enter_agent"))["EventKey"] == ""
    media_id = wecom_fake.add_media(b"\xff\xd8", "image/jpeg", "a.jpg")
    image = fields_of(wecom_fake.image_message("nurse_li", media_id))
    assert image["MediaId"] == media_id
    assert httpx.get(image["PicUrl"], trust_env=False).content == b"\xff\xd8"
    voice = fields_of(wecom_fake.voice_message("nurse_li", media_id))
    assert (voice["MsgType"], voice["Format"]) == ("voice", "amr")
    first, second = (fields_of(wecom_fake.text_message("nurse_li", "x")) for _ in range(2))
    assert first["MsgId"] != second["MsgId"]


# -- control over HTTP and the management command ---------------------------------------------


def test_the_http_controls_drive_the_fake(wecom_fake, http, token, receiver):
    wecom_fake.callback_url = receiver.url
    pushed = http.post("/fake/push-text", json={"from": "nurse_li", "content": "hi"}).json()
    assert pushed["ok"]
    assert pushed["attempts"] == 1
    inner = crypto_of(wecom_fake).decrypt(fields_of(receiver.received[0].body)["Encrypt"])
    assert fields_of(inner.decode())["Content"] == "hi"

    http.post("/fake/oauth-user", json={"userid": "manager_zhao"})
    assert wecom_fake.browser_user == "manager_zhao"
    http.post("/fake/fail-next", json={"path": "message/send", "errcode": 45033, "times": 1})
    assert send(http, token, **text(wecom_fake, "nurse_li"))["errcode"] == 45033
    send(http, token, **text(wecom_fake, "nurse_li"))
    messages = http.get("/fake/messages").json()["messages"]
    assert [m["touser"] for m in messages] == [["nurse_li"]]
    http.post("/fake/expire-tokens")
    assert send(http, token, **text(wecom_fake, "nurse_li"))["errcode"] == 42001
    assert http.post("/fake/fail-next", json={"path": "x"}).status_code == 400
    assert not any(call.path.startswith("/fake/") for call in wecom_fake.calls)


def test_the_command_serves_and_pushes_from_its_console(receiver, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("text nurse_li the printer\nbogus\nquit\n"))
    out = io.StringIO()
    call_command(
        "wecom_fake",
        "--port=0",
        f"--callback={receiver.url}",
        "--user=nurse_li:Li Na",
        stdout=out,
    )
    assert "HITSM_WECOM_BASE_URL=http://127.0.0.1:" in out.getvalue()
    assert "→ 200" in out.getvalue()
    assert "text <userid> <content...>" in out.getvalue()  # help for the unknown command
    body = fields_of(receiver.received[0].body)
    assert body["ToUserName"] == "wwfake0000000001"
