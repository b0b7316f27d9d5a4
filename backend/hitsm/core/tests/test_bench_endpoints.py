import importlib
from collections.abc import Iterator

import pytest
from django.test import override_settings
from django.urls import clear_url_caches

import config.urls
from hitsm.core.models import BenchProbe

pytestmark = pytest.mark.django_db


@pytest.fixture
def bench_endpoints_on() -> Iterator[None]:
    """The URLconf as a server started with HITSM_BENCH_ENDPOINTS=true builds it."""
    with override_settings(BENCH_ENDPOINTS=True):
        importlib.reload(config.urls)
        clear_url_caches()
        yield
    importlib.reload(config.urls)
    clear_url_caches()


def test_the_bench_endpoints_are_not_routed_by_default(client):
    assert client.post("/api/v1/bench/insert/").status_code == 404
    assert client.get("/api/v1/bench/select/").status_code == 404
    assert not BenchProbe.objects.exists()


def test_the_insert_view_writes_one_row_per_call(client, bench_endpoints_on):
    first = client.post("/api/v1/bench/insert/")
    second = client.post("/api/v1/bench/insert/")
    assert first.status_code == second.status_code == 201
    assert second.json()["id"] > first.json()["id"]
    assert BenchProbe.objects.count() == 2


def test_the_select_view_answers_without_writing(client, bench_endpoints_on):
    response = client.get("/api/v1/bench/select/")
    assert response.status_code == 200 and response.json()["ok"] is True
    assert not BenchProbe.objects.exists()


def test_the_bench_endpoints_are_gone_again_when_the_flag_is_off(client, bench_endpoints_on):
    with override_settings(BENCH_ENDPOINTS=False):
        importlib.reload(config.urls)
        clear_url_caches()
        assert client.post("/api/v1/bench/insert/").status_code == 404
