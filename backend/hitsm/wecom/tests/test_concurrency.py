"""Two workers, one person's burst of messages: one ticket, the rest join it; and two workers
delivering the same outbox row send it once. Meaningful on PostgreSQL (row locks); SQLite
serialises writers anyway."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from hitsm.servicedesk.models import Ticket, TicketEvent
from hitsm.wecom import inbound, outbox
from hitsm.wecom.callback import dedupe_key
from hitsm.wecom.models import InboundMessage, OutboundKind
from hitsm.wecom.tests.test_channel import configure

pytestmark = pytest.mark.django_db(transaction=True)


def run_together(work, items):
    barrier = threading.Barrier(len(items))
    errors: list[str] = []

    def one(item):
        try:
            barrier.wait()
            work(item)
        except Exception as exc:  # pragma: no cover - shows up in the assertion
            errors.append(f"{type(exc).__name__}: {exc}")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=one, args=(item,)) for item in items]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors


@pytest.fixture
def bound(wecom_fake, nurse_li):
    configure(wecom_fake)
    nurse_li.wecom_userid = "nurse_li"
    nurse_li.save(update_fields=["wecom_userid"])
    return wecom_fake


def test_a_burst_from_one_person_on_two_workers_makes_one_ticket(bound):
    if connection.vendor != "postgresql":
        pytest.skip("row locks are what this checks: run the suite on PostgreSQL")
    from hitsm.wecom.callback import parse_xml

    texts = ["急诊科分诊台电脑死机", "鼠标键盘都没反应", "重启后还是一样"]
    ids = []
    for n, text in enumerate(texts):
        message = parse_xml(bound.text_message("nurse_li", text, msg_id=9000 + n).encode())
        ids.append(
            InboundMessage.objects.create(
                dedupe_key=dedupe_key(message),
                from_user="nurse_li",
                msg_type="text",
                payload=message,
            ).pk
        )
    run_together(lambda pk: inbound.process(inbound_id=pk), ids)
    assert Ticket.objects.count() == 1
    ticket = Ticket.objects.get()
    replies = TicketEvent.objects.filter(ticket=ticket, kind="reply").count()
    assert replies == len(texts) - 1


def test_two_workers_send_an_outbox_row_once(bound):
    row = outbox.queue(
        kind=OutboundKind.TEXT,
        dedupe_key="once",
        payload={"msgtype": "text", "text": {"content": "只发一次"}},
        to_users=["nurse_li"],
    )
    assert row is not None
    run_together(lambda _: outbox.deliver(outbound_id=row.pk), [1, 2, 3, 4])
    assert [m.content for m in bound.messages_to("nurse_li")] == ["只发一次"]
