import base64
import datetime as dt

import pytest
from cryptography.exceptions import InvalidTag
from stdnum.cn import ric

from common.pii import (
    PiiCipher,
    id_facts,
    mask_phone,
    mask_resident_id,
    normalize_phone,
    normalize_resident_id,
)
from devkit.testing.fixtures import resident_id

CIPHER = PiiCipher(base64.b64encode(b"k" * 32).decode(), base64.b64encode(b"i" * 32).decode())


def test_resident_id_validation() -> None:
    assert normalize_resident_id(" 11010519491231002x ") == "11010519491231002X"

    def with_check(body: str) -> str:
        return body + ric.calc_check_digit(body + "0")

    for bad, why in [
        ("110105194912310021", "check digit"),
        ("1101051949123100", "17 digits"),
        (with_check("11010519491331002"), "birth date"),
        (with_check("99010519491231002"), "birthplace"),
    ]:
        with pytest.raises(ValueError, match=why):
            normalize_resident_id(bad)


def test_current_division_codes_are_accepted_as_birthplace() -> None:
    # 441302 (惠城区) and 532504 (弥勒市) are current codes missing from python-stdnum's table
    for region in ("441302", "532504"):
        assert normalize_resident_id(resident_id(region=region))


def test_facts_and_masks() -> None:
    rid = resident_id(dt.date(1988, 2, 29), "male")
    facts = id_facts(rid)
    assert facts.birth_date == dt.date(1988, 2, 29) and facts.sex == "male"
    assert mask_resident_id(rid) == rid[:6] + "********" + rid[-4:]
    assert mask_phone("13800138000") == "138****8000"
    assert normalize_phone("+86 138 0013 8000") == "13800138000"
    with pytest.raises(ValueError):
        normalize_phone("12345")


def test_encryption_is_randomized_and_bound_to_its_field() -> None:
    a, b = CIPHER.encrypt("11010519491231002X", "resident_id"), CIPHER.encrypt("11010519491231002X", "resident_id")
    assert a != b and b"11010519491231002X" not in a
    assert CIPHER.decrypt(a, "resident_id") == "11010519491231002X"
    with pytest.raises(InvalidTag):
        CIPHER.decrypt(a, "phone")
    assert CIPHER.blind_index("x", "resident_id") == CIPHER.blind_index("x", "resident_id")
    assert CIPHER.blind_index("x", "resident_id") != CIPHER.blind_index("x", "phone")
