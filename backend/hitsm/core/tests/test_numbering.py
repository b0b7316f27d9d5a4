import datetime as dt
import threading

import pytest
from django.db import connection, connections

from hitsm.core.numbering import number_next


@pytest.mark.django_db
def test_numbers_count_up_per_prefix_and_day():
    day = dt.date(2026, 11, 25)
    assert number_next(prefix="SR", day=day) == "SR-20261125-0001"
    assert number_next(prefix="SR", day=day) == "SR-20261125-0002"
    assert number_next(prefix="INC", day=day) == "INC-20261125-0001"
    assert number_next(prefix="SR", day=day + dt.timedelta(days=1)) == "SR-20261126-0001"


@pytest.mark.django_db
def test_a_malformed_prefix_is_refused():
    with pytest.raises(ValueError, match="upper-case"):
        number_next(prefix="sr-1")


@pytest.mark.django_db(transaction=True)
def test_twenty_threads_get_twenty_different_numbers():
    results: list[str] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(20)
    lock = threading.Lock()

    def worker() -> None:
        try:
            barrier.wait()
            for _ in range(5):
                number = number_next(prefix="SR", day=dt.date(2026, 11, 25))
                with lock:
                    results.append(number)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    assert len(results) == 100
    assert len(set(results)) == 100
    assert sorted(results)[-1] == "SR-20261125-0100"
    assert connection.vendor in ("postgresql", "sqlite")
