import pytest
from django.core import mail

from hitsm.notifications.models import Notification
from hitsm.notifications.services import dispatch_due, notify

pytestmark = pytest.mark.django_db


@pytest.fixture
def smtp(settings):
    settings.EMAIL_ENABLED = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.SITE_URL = "https://itsm.hospital.example"


def test_email_goes_out_once_per_event_with_a_link(smtp, nurse_li):
    nurse_li.email = "li@hospital.example"
    nurse_li.save(update_fields=["email"])
    for _ in range(2):  # the same event twice: one message
        notify(
            recipients=[nurse_li],
            kind="ticket.reply",
            title="工单 INC-1 有新回复",
            body="请确认打印机",
            link="/tickets/1",
            ticket_id=1,
            dedupe_key="e1:reply",
        )
    assert Notification.objects.filter(recipient=nurse_li, channel="email").count() == 1
    dispatch_due()
    (message,) = mail.outbox
    assert message.to == ["li@hospital.example"]
    assert message.subject == "[HITSM] 工单 INC-1 有新回复"
    assert "https://itsm.hospital.example/tickets/1" in message.body


def test_people_without_an_address_get_only_in_app(smtp, nurse_li):
    notify(recipients=[nurse_li], kind="ticket.reply", title="x", dedupe_key="e2:reply")
    assert list(Notification.objects.values_list("channel", flat=True)) == ["inapp"]


def test_email_is_off_without_smtp_settings(nurse_li, settings):
    settings.EMAIL_ENABLED = False
    nurse_li.email = "li@hospital.example"
    nurse_li.save(update_fields=["email"])
    notify(recipients=[nurse_li], kind="ticket.reply", title="x", dedupe_key="e3:reply")
    assert list(Notification.objects.values_list("channel", flat=True)) == ["inapp"]


def test_every_attempt_carries_the_same_message_id(smtp, nurse_li):
    """A message sent again after a worker died mid-send is recognisable as the same one."""
    nurse_li.email = "li@hospital.example"
    nurse_li.save(update_fields=["email"])
    (row,) = [
        n
        for n in notify(recipients=[nurse_li], kind="ticket.reply", title="x", dedupe_key="e4")
        if n.channel == "email"
    ]
    dispatch_due()
    Notification.objects.filter(pk=row.pk).update(status="pending")  # as if resent
    dispatch_due()
    first, second = mail.outbox
    expected = f"<hitsm-notification-{row.pk}@itsm.hospital.example>"
    assert first.message()["Message-ID"] == second.message()["Message-ID"] == expected
