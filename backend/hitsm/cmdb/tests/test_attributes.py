import pytest

from hitsm.cmdb.models import CIAttribute, CIUniqueValue, ConfigurationItem
from hitsm.cmdb.services import attribute_save, ci_update
from hitsm.core.errors import ValidationFailed

from .conftest import klass, make

pytestmark = pytest.mark.django_db


def fields_of(exc: pytest.ExceptionInfo[ValidationFailed]) -> dict:
    return exc.value.fields


def test_values_are_stored_in_their_canonical_form(reference):
    server = make(
        "physical_server",
        "srv-x",
        attributes={
            "serial_no": " SN-9 ",
            "ip_address": "2001:DB8:0:0::1",
            "warranty_until": "2027/03/31",
        },
    )
    assert server.attributes == {
        "serial_no": "SN-9",
        "ip_address": "2001:db8::1",
        "warranty_until": "2027-03-31",
    }
    vm = make(
        "virtual_machine",
        "vm-x",
        attributes={"ip_address": "10.9.9.9", "vcpu": "8", "memory_gb": 32.0},
    )
    assert vm.attributes["vcpu"] == 8 and vm.attributes["memory_gb"] == 32
    storage = make("storage", "st-x", attributes={"capacity_tb": "120.50"})
    assert storage.attributes["capacity_tb"] == "120.5"


@pytest.mark.parametrize(
    ("class_code", "attributes", "bad"),
    [
        ("virtual_machine", {}, "ip_address"),  # required
        ("virtual_machine", {"ip_address": "10.1.1.300"}, "ip_address"),
        ("virtual_machine", {"ip_address": "10.1.1.3", "vcpu": "4.5"}, "vcpu"),
        ("virtual_machine", {"ip_address": "10.1.1.3", "vcpu": True}, "vcpu"),
        ("database", {"engine": "DB2"}, "engine"),  # not one of the choices
        ("physical_server", {"serial_no": "S1", "warranty_until": "明年"}, "warranty_until"),
        ("terminal", {"mac_address": "00-1A-2B"}, "mac_address"),  # pattern
        ("application", {"url": "his"}, "url"),
        ("application", {"colour": "red"}, "colour"),  # unknown attribute
        ("storage", {"capacity_tb": "NaN"}, "capacity_tb"),
    ],
)
def test_bad_values_are_refused_per_attribute(reference, class_code, attributes, bad):
    with pytest.raises(ValidationFailed) as exc:
        make(class_code, "X-1", attributes=attributes)
    assert f"attributes.{bad}" in fields_of(exc)
    assert not ConfigurationItem.objects.filter(code="X-1").exists()


def test_unique_attributes_are_unique_within_their_class_ignoring_case(reference):
    make("terminal", "pc-1", attributes={"mac_address": "00:1A:2B:3C:4D:5E"})
    with pytest.raises(ValidationFailed) as exc:
        make("terminal", "pc-2", attributes={"mac_address": "00:1a:2b:3c:4d:5e"})
    assert "pc-1" in fields_of(exc)["attributes.mac_address"][0]
    assert not ConfigurationItem.objects.filter(code="pc-2").exists()
    # the holder may keep its own value on save, and release it by changing it
    pc1 = ConfigurationItem.objects.get(code="pc-1")
    ci_update(item=pc1, name="护士站 PC")
    ci_update(item=pc1, attributes={"mac_address": "00:1A:2B:3C:4D:FF"})
    make("terminal", "pc-2", attributes={"mac_address": "00:1A:2B:3C:4D:5E"})


def test_making_an_attribute_unique_checks_existing_values(reference):
    make("printer", "prn-1", attributes={"model": "HP M404"})
    make("printer", "prn-2", attributes={"model": "HP M404"})
    model = CIAttribute.objects.get(ci_class=klass("printer"), code="model")
    model.unique = True
    with pytest.raises(ValidationFailed) as exc:
        attribute_save(attribute=model)
    assert exc.value.code == "cmdb.duplicate_attribute"
    ip = CIAttribute.objects.get(ci_class=klass("printer"), code="ip_address")
    make("printer", "prn-3", attributes={"ip_address": "10.2.0.9"})
    ip.unique = True
    attribute_save(attribute=ip)
    assert CIUniqueValue.objects.filter(attribute=ip).count() == 1
    with pytest.raises(ValidationFailed):
        make("printer", "prn-4", attributes={"ip_address": "10.2.0.9"})


def test_a_choice_attribute_needs_choices_and_a_pattern_must_compile(reference):
    with pytest.raises(ValidationFailed) as exc:
        attribute_save(
            attribute=CIAttribute(ci_class=klass("rack"), code="row", name="列", type="choice")
        )
    assert "choices" in fields_of(exc)
    with pytest.raises(ValidationFailed) as exc:
        attribute_save(
            attribute=CIAttribute(
                ci_class=klass("rack"), code="tag", name="标签", type="text", pattern="(["
            )
        )
    assert "pattern" in fields_of(exc)


def test_a_duplicate_code_is_a_field_error(reference):
    make("printer", "prn-1")
    with pytest.raises(ValidationFailed) as exc:
        make("printer", "prn-1")
    assert "code" in fields_of(exc)
