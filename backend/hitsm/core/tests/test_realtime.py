import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.db import transaction

from config.asgi import application
from hitsm.core import consumers
from hitsm.core.realtime import publish, role_group, user_group

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


@pytest.fixture(autouse=True)
def fast_relay(monkeypatch):
    monkeypatch.setattr(consumers, "RELAY_INTERVAL_SECONDS", 0.05)
    consumers._relay_task = None


async def connect_as(user, client):
    await database_sync_to_async(client.force_login)(user)
    cookie = f"hitsm_session={client.cookies['hitsm_session'].value}"
    communicator = WebsocketCommunicator(
        application,
        "/ws/events/",
        headers=[
            (b"cookie", cookie.encode()),
            (b"origin", b"http://127.0.0.1"),
            (b"host", b"127.0.0.1"),
        ],
    )
    connected, _ = await communicator.connect()
    return communicator, connected


async def test_anonymous_sockets_are_closed():
    communicator = WebsocketCommunicator(
        application, "/ws/events/", headers=[(b"origin", b"http://127.0.0.1")]
    )
    connected, code = await communicator.connect()
    assert not connected
    assert code == 4401


async def test_a_user_gets_hello_then_events_for_them_and_their_role(agent_chen, nurse_li, client):
    communicator, connected = await connect_as(agent_chen, client)
    assert connected
    assert await communicator.receive_json_from() == {
        "type": "hello",
        "payload": {"user_id": agent_chen.pk},
    }

    def emit():
        with transaction.atomic():
            publish([user_group(nurse_li.pk)], "note", {"to": "nurse"})
            publish([role_group("agent")], "ticket.created", {"number": "SR-1"})
            publish([user_group(agent_chen.pk)], "job.updated", {"id": 7})

    await database_sync_to_async(emit)()
    first = await communicator.receive_json_from(timeout=3)
    second = await communicator.receive_json_from(timeout=3)
    assert first == {"type": "ticket.created", "payload": {"number": "SR-1"}}
    assert second == {"type": "job.updated", "payload": {"id": 7}}
    assert await communicator.receive_nothing(timeout=0.3)
    await communicator.disconnect()


async def test_a_rolled_back_change_pushes_nothing(agent_chen, client):
    communicator, _ = await connect_as(agent_chen, client)
    await communicator.receive_json_from()

    def emit_and_fail():
        try:
            with transaction.atomic():
                publish([user_group(agent_chen.pk)], "job.updated", {"id": 1})
                raise RuntimeError("rollback")
        except RuntimeError:
            pass

    await database_sync_to_async(emit_and_fail)()
    assert await communicator.receive_nothing(timeout=0.5)
    await communicator.disconnect()
