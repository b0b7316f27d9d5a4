import pytest
from django.db import transaction

from hitsm.cmdb.models import GraphState
from hitsm.cmdb.selectors import impact_analysis
from hitsm.cmdb.services import ci_update

from .conftest import klass, link, make

pytestmark = pytest.mark.django_db


def token() -> str | None:
    return GraphState.objects.filter(pk=1).values_list("token", flat=True).first()


def test_only_changes_to_the_graph_renew_the_token(graph):
    from hitsm.cmdb.graph import graph_snapshot

    snapshot = graph_snapshot()
    assert graph_snapshot() is snapshot  # reused while nothing changes
    before = token()
    ci_update(item=graph.his, name="HIS 5.0", attributes={"vendor": "东华"})
    assert token() == before and graph_snapshot() is snapshot
    ci_update(item=graph.vm_lis, ci_class=klass("middleware"), attributes={})  # new layer
    assert token() != before
    renewed = graph_snapshot()
    assert renewed is not snapshot
    extra = make("application", "PIS")
    link(extra, graph.vm_his, "runs_on")
    assert "PIS" in {a["name"] for a in impact_analysis(graph.vm_his)["applications"]}


def test_a_rolled_back_change_never_passes_for_current(graph):
    from hitsm.cmdb.graph import graph_snapshot

    graph_snapshot()
    with pytest.raises(RuntimeError), transaction.atomic():
        link(make("application", "TMP"), graph.vm_his, "runs_on")
        # read inside the transaction: the copy now holds TMP under the new token
        assert "TMP" in {a["name"] for a in impact_analysis(graph.vm_his)["applications"]}
        raise RuntimeError("roll back")
    assert "TMP" not in {a["name"] for a in impact_analysis(graph.vm_his)["applications"]}


def test_without_a_token_nothing_is_cached(graph):
    GraphState.objects.all().delete()
    from hitsm.cmdb.graph import graph_snapshot

    assert graph_snapshot() is not graph_snapshot()
