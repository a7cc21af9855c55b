"""Personal data: resident ID numbers and phone numbers.

Stored as AES-256-GCM ciphertext (random nonce, the field name as associated data so a ciphertext
cannot be moved to another column) plus a keyed HMAC-SHA256 blind index for equality lookup.
Output shows them masked unless the caller's role needs the full value (and that read is audited).
"""

import base64
import hashlib
import hmac
import os
import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Literal

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from stdnum.cn import ric
from stdnum.exceptions import ValidationError as StdnumError

from common.messages import Invalid
from common.regions import regions

_MOBILE = re.compile(r"^1[3-9]\d{9}$")
# A resident ID or a mainland mobile number inside any text, not within a longer run of digits; a mobile number
# not within a run of hex digits either (a hash or a UUID-based id, such as HL-13865432190a, holds no phone:
# about one such id in a thousand has an 11-digit run that looks like one). UUIDs in the text are left whole.
# Full-width digits (an input method's ０-９) count as digits (\d matches them) and name the same number.
_IDENTIFIER_SHAPED = re.compile(r"(?<!\d)\d{17}[\dXxＸｘ](?!\d)|(?<![0-9A-Fa-f])[1１][3-9３-９]\d{9}(?![0-9A-Fa-f])")
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
PSEUDONYM_FIELD = "identifier"  # one blind-index field for every pseudonym: the same number, the same name
_LANDLINE = re.compile(r"^0\d{2,3}-?\d{7,8}$")
_ASCII_DIGITS = str.maketrans("０１２３４５６７８９Ｘｘ", "0123456789XX")


def normalize_resident_id(value: str) -> str:
    """GB 11643 validation: length, check digit, birth date and birthplace; returns the canonical form.

    The birthplace is the county of first registration, so it may be a historical code (python-stdnum's
    table has those) or a current one (our division codes: stdnum's table lacks many, e.g. 441302).
    """
    number = ric.compact(value)
    wrong = "invalid resident ID number: "
    if len(number) != 18 or not number[:17].isdigit():
        raise Invalid(
            wrong + "expected 17 digits and a check digit (0-9 or X)", "身份证号码应为17位数字加1位校验码（0-9或X）"
        )
    if number[-1] != ric.calc_check_digit(number):
        raise Invalid(wrong + "the check digit is wrong", "身份证号码校验码不正确")
    try:
        _birth_date(number)
    except ValueError:
        raise Invalid(wrong + "the birth date is not a valid date", "身份证号码中的出生日期无效") from None
    if not _known_birthplace(number[:6]):
        raise Invalid(wrong + f"unknown birthplace code {number[:6]}", f"身份证号码的地址码 {number[:6]} 不存在")
    return number


@lru_cache(maxsize=16384)  # a few thousand codes in use; python-stdnum scans its table per call
def _known_birthplace(code: str) -> bool:
    try:
        ric.get_birth_place(code + "0" * 12)
        return True
    except StdnumError:
        return regions().is_known(code) or (regions().is_known(code[:4]) and code.endswith("00"))


def normalize_phone(value: str) -> str:
    v = re.sub(r"[\s()]", "", value).removeprefix("+86")
    if not (_MOBILE.match(v) or _LANDLINE.match(v)):
        raise Invalid(
            "invalid phone number: expected an 11-digit mobile or a landline with area code",
            "电话号码无效：应为11位手机号码或带区号的固定电话",
        )
    return v.replace("-", "")


@dataclass(frozen=True)
class IdFacts:
    birth_date: date
    sex: Literal["male", "female"]


def id_facts(resident_id: str) -> IdFacts:
    """Birth date and sex are encoded in the ID (digits 7-14 and the parity of digit 17)."""
    return IdFacts(birth_date=_birth_date(resident_id), sex="male" if int(resident_id[16]) % 2 else "female")


def _birth_date(number: str) -> date:
    """Digits 7-14 as a date, read directly (python-stdnum cleans the number again on every call: a third of
    an import's time went there)."""
    try:
        return date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise Invalid("the birth date is not a valid date", "出生日期无效") from None


def mask_resident_id(value: str) -> str:
    return value[:6] + "*" * 8 + value[-4:]


def mask_name(value: str) -> str:
    """王五 -> 王*, 欧阳小明 -> 欧***: enough for a cadre to recognise a household in a list, not to name it."""
    return value[:1] + "*" * max(len(value) - 1, 1)


def mask_phone(value: str) -> str:
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


class PiiCipher:
    def __init__(self, encryption_key_b64: str, blind_index_key_b64: str) -> None:
        key = base64.b64decode(encryption_key_b64)
        if len(key) != 32:
            raise ValueError("PII encryption key must be 32 bytes (base64)")
        self._aead = AESGCM(key)
        self._index_key = base64.b64decode(blind_index_key_b64)

    def encrypt(self, plaintext: str, field: str) -> bytes:
        nonce = os.urandom(12)
        return nonce + self._aead.encrypt(nonce, plaintext.encode(), field.encode())

    def decrypt(self, blob: bytes, field: str) -> str:
        return self._aead.decrypt(blob[:12], blob[12:], field.encode()).decode()

    @classmethod
    def index_only(cls, blind_index_key_b64: str) -> "PiiCipher":
        """A cipher that can only compute blind indexes (a service that never holds identifiers in clear)."""
        cipher = cls.__new__(cls)
        cipher._index_key = base64.b64decode(blind_index_key_b64)
        return cipher

    def blind_index(self, value: str, field: str) -> str:
        """Deterministic keyed digest: equal values match, the value itself cannot be recovered."""
        return hmac.new(self._index_key, f"{field}:{value}".encode(), hashlib.sha256).hexdigest()

    def pseudonymize(self, text: str) -> str:
        """`text` with every resident ID and mobile number in it replaced by a keyed pseudonym (`pid-` and 16 hex
        digits of its blind index). Whatever field such a number arrives in (a department's record id, an
        event's subject, a note), nothing readable is kept, and the same number always gives the same name:
        a record whose id is an ID number is still one record, its corrections still match it."""
        if len(text) < 11:
            return text

        def named(m: re.Match[str]) -> str:
            found = m.group(0).translate(_ASCII_DIGITS)
            if len(found) == 18:
                try:
                    found = normalize_resident_id(found)
                except ValueError:
                    return m.group(0)  # 18 digits that are no resident ID (a household number, an amount)
            return "pid-" + self.blind_index(found, PSEUDONYM_FIELD)[:16]  # letters, digits, a hyphen: any id pattern

        parts, at = [], 0
        for uuid in _UUID.finditer(text):
            parts += [_IDENTIFIER_SHAPED.sub(named, text[at : uuid.start()]), uuid.group(0)]
            at = uuid.end()
        return "".join([*parts, _IDENTIFIER_SHAPED.sub(named, text[at:])])
