"""Two agents, one ticket: of 20 simultaneous accepts exactly one wins."""

import threading

import pytest
from django.db import connections

from hitsm.accounts.roles import Role
from hitsm.accounts.tests.factories import UserFactory
from hitsm.core.errors import Conflict
from hitsm.servicedesk.models import Ticket, TicketEvent
from hitsm.servicedesk.services import ticket_accept

pytestmark = pytest.mark.django_db(transaction=True)


def test_twenty_parallel_accepts_produce_one_winner(make_ticket):
    ticket = make_ticket()
    agents = [UserFactory(username=f"agent{i:02d}", roles=[Role.AGENT]) for i in range(20)]
    barrier = threading.Barrier(len(agents))
    outcomes: list[str] = []
    lock = threading.Lock()

    def accept(agent):
        try:
            barrier.wait()
            fresh = Ticket.objects.get(pk=ticket.pk)
            ticket_accept(ticket=fresh, actor=agent)
            result = "won"
        except Conflict as exc:
            result = f"conflict:{exc.message}"
        except Exception as exc:  # pragma: no cover - shows up in the assertion
            result = f"error:{type(exc).__name__}:{exc}"
        finally:
            connections.close_all()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=accept, args=(a,)) for a in agents]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    winners = [o for o in outcomes if o == "won"]
    losers = [o for o in outcomes if o.startswith("conflict:")]
    assert len(winners) == 1, outcomes
    assert len(losers) == 19, outcomes
    winner = Ticket.objects.get(pk=ticket.pk).accepted_by
    assert all(winner.name in o for o in losers), losers
    assert TicketEvent.objects.filter(ticket=ticket, kind="accepted").count() == 1
    assert Ticket.objects.get(pk=ticket.pk).status == "accepted"


def test_concurrent_api_accepts_answer_409_for_the_losers(make_ticket, client_for):
    ticket = make_ticket()
    agents = [UserFactory(username=f"desk{i}", roles=[Role.AGENT]) for i in range(6)]
    clients = [client_for(a) for a in agents]
    barrier = threading.Barrier(len(clients))
    codes: list[int] = []

    def hit(client):
        barrier.wait()
        codes.append(client.post(f"/api/v1/tickets/{ticket.pk}/accept/").status_code)
        connections.close_all()

    threads = [threading.Thread(target=hit, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(codes) == [200] + [409] * 5
