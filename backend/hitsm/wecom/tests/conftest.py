"""The fake WeCom server, fresh for each test (``hitsm.wecom.fake``)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from hitsm.servicedesk.tests.conftest import desktop_group, make_ticket  # noqa: F401
from hitsm.wecom.fake import FakeWeCom

# WeCom members of the fake corp: the hospital personas (``outsider`` is not a member).
WECOM_USERS = {
    "nurse_li": ("Li Na", [2]),
    "agent_chen": ("Chen Jie", [3]),
    "engineer_wang": ("Wang Qiang", [3]),
    "manager_zhao": ("Zhao Min", [3]),
}


@pytest.fixture
def wecom_fake() -> Iterator[FakeWeCom]:
    """A started fake on a free loopback port with the default demo credentials
    (``fake.corp_id``, ``fake.secret``, ``fake.agent_id``, ``fake.token``,
    ``fake.encoding_aes_key``); point a client at ``fake.base_url``."""
    fake = FakeWeCom(push_timeout=2.0)
    for userid, (name, department) in WECOM_USERS.items():
        fake.add_user(userid, name, department)
    fake.start()
    try:
        yield fake
    finally:
        fake.stop()
