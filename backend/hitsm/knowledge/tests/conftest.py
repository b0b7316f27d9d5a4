from hitsm.servicedesk.tests.conftest import desktop_group, make_ticket  # noqa: F401
