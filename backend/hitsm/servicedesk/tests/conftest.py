import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from hitsm.accounts.roles import Role
from hitsm.accounts.tests.factories import UserFactory
from hitsm.cmdb.models import CIClass, ConfigurationItem, ObashiLayer
from hitsm.servicedesk.models import AssignmentGroup, Category
from hitsm.servicedesk.services import ticket_create


@pytest.fixture
def desktop_group(engineer_wang) -> AssignmentGroup:
    group = AssignmentGroup.objects.create(name="桌面运维组", code="desktop")
    group.members.add(engineer_wang)
    return group


@pytest.fixture
def app_group(campus) -> AssignmentGroup:
    engineer_zhang = UserFactory(
        username="engineer_zhang", display_name="张工", roles=[Role.ENGINEER]
    )
    group = AssignmentGroup.objects.create(name="应用组", code="apps")
    group.members.add(engineer_zhang)
    return group


@pytest.fixture
def printer_category(desktop_group) -> Category:
    hardware = Category.objects.create(name="硬件", code="hardware")
    return Category.objects.create(name="打印机", code="printer", parent=hardware)


@pytest.fixture
def his(db) -> ConfigurationItem:
    app_class, _ = CIClass.objects.get_or_create(
        code="application", defaults={"name": "应用系统", "layer": ObashiLayer.APPLICATION}
    )
    return ConfigurationItem.objects.create(
        ci_class=app_class, name="HIS", code="HIS", clinical_critical=True
    )


def jpeg_bytes(size=(64, 48)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, format="JPEG")
    return buffer.getvalue()


@pytest.fixture
def photo():
    return SimpleUploadedFile("打印机.jpg", jpeg_bytes(), content_type="image/jpeg")


@pytest.fixture
def make_ticket(nurse_li):
    def make(**kwargs):
        values = {
            "requester": nurse_li,
            "submitted_by": kwargs.get("requester", nurse_li),
            "kind": "incident",
            "title": "门诊3楼打印机一直卡纸，处方打不出来",
        }
        values.update(kwargs)
        return ticket_create(**values)

    return make
