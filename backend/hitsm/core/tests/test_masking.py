"""The one masking helper for personal numbers (docs/admin/security.md)."""

from __future__ import annotations

import pytest

from hitsm.core.masking import (
    ID_NUMBER,
    PHONE,
    mask_id_number,
    mask_phone,
    mask_sensitive_text,
    mask_value,
)


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("13812345678", "138****5678"),
        (" 13812345678 ", "138****5678"),
        ("+8613812345678", "+86*******5678"),
        ("010-65432100", "010*****2100"),
        ("6543210", "65***10"),
        ("8021", "****"),
        ("1", "*"),
        ("", ""),
        (None, ""),
        ("请打内线", "****"),
        ("call me later", "cal******ater"),
        (13812345678, "138****5678"),
    ],
)
def test_it_masks_phone_numbers(value, masked):
    assert mask_phone(value) == masked


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("110101199001011234", "1101**********1234"),
        ("11010119900101123X", "1101**********123X"),
        ("110101900101123", "1101*******1123"),  # the old 15-digit card
        ("E12345678", "E1*****78"),  # a passport
        ("1234", "****"),  # "the last four digits"
        ("", ""),
        (None, ""),
        ("未带证件", "****"),
    ],
)
def test_it_masks_id_numbers(value, masked):
    assert mask_id_number(value) == masked


def test_masked_values_never_contain_the_hidden_middle():
    for value in ("13812345678", "110101199001011234"):
        masked = mask_value(PHONE if len(value) == 11 else ID_NUMBER, value)
        assert value[4:-4] not in masked and len(masked) == len(value)


def test_a_sensitive_form_answer_is_masked_as_a_phone_or_as_an_id():
    assert mask_sensitive_text("13812345678") == "138****5678"
    assert mask_sensitive_text("138-1234-5678") == "138******5678"
    assert mask_sensitive_text("110101199001011234") == "1101**********1234"
    assert mask_sensitive_text("1234") == "****"


def test_empty_and_structured_values_pass_through():
    assert mask_value(PHONE, "") == ""
    assert mask_value(PHONE, None) is None
    assert mask_value(ID_NUMBER, [1, 2]) == [1, 2]
