"""The door's rule for free text, without a database: a number outside the declared identifier fields is kept as
its pseudonym, however it is written; declared fields, and bodies with nothing to look at, pass untouched."""

import json
from typing import Annotated, Any

import httpx
from fastapi import FastAPI, Query
from pydantic import BaseModel, Field

from common.free_text import FreeText
from common.limits import BodyGuard
from common.pii import PiiCipher
from contracts.base import IDENTIFIER
from devkit.testing.fixtures import mobile, resident_id

CIPHER = PiiCipher.index_only("MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=")


class Member(BaseModel):
    resident_id: Annotated[str, IDENTIFIER]
    note: str = ""


class Form(BaseModel):
    members: list[Member]
    phone: Annotated[str, IDENTIFIER] | None = None
    address: str
    extra: dict[str, str] = Field(default_factory=dict)


def _app() -> tuple[FastAPI, list[Any]]:
    app, seen = FastAPI(), []

    @app.post("/forms")
    async def post(form: Form, purpose: Annotated[str, Query()] = "") -> dict[str, str]:
        seen.append((form, purpose))
        return {"address": form.address}

    app.add_middleware(BodyGuard, max_body=10_000, max_upload=10_000, free_text=FreeText(CIPHER, app.openapi))
    return app, seen


def test_declared_paths_are_read_from_the_schema() -> None:
    app, _ = _app()
    free = FreeText(CIPHER, app.openapi)
    paths, _ = free._declared
    assert paths == {("members", "[]", "resident_id"), ("phone",)}


async def test_numbers_in_free_text_arrive_as_pseudonyms_and_declared_fields_in_clear() -> None:
    app, seen = _app()
    rid, other, phone, wide = resident_id(), resident_id(), mobile(), mobile()
    full_width = wide.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    body = {
        "members": [{"resident_id": rid, "note": f"配偶身份证{other}"}],
        "phone": phone,
        "address": f"村委会旁，电话{full_width}",
        "extra": {other: f"电话{phone}"},
    }
    # Written as a client escaping every character would: the door reads the JSON, not its bytes.
    raw = json.dumps(body, ensure_ascii=True).replace(rid[:1], "\\u003" + rid[0], 1).encode()
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
        answer = await client.post(
            "/forms", content=raw, params={"purpose": f"核对{other}"}, headers={"Content-Type": "application/json"}
        )
    assert answer.status_code == 200, answer.text
    form, purpose = seen[0]
    assert form.members[0].resident_id == rid and form.phone == phone  # declared: the service encrypts them
    kept = form.model_dump_json() + purpose
    for number in (other, wide):
        assert number not in kept
    assert form.members[0].note == f"配偶身份证{CIPHER.pseudonymize(other)}"
    assert form.address == f"村委会旁，电话{CIPHER.pseudonymize(wide)}"  # the same name as in ASCII digits
    assert purpose == f"核对{CIPHER.pseudonymize(other)}"
    assert list(form.extra) == [CIPHER.pseudonymize(other)] and phone not in json.dumps(form.extra)


def test_a_body_with_nothing_to_look_at_goes_on_as_it_came() -> None:
    app, _ = _app()
    free = FreeText(CIPHER, app.openapi)
    assert free.body(b'{"address": "1 Road", "amount": 1.50}') is None
    assert free.body(b'{"address": "no id 12345678901234567X"}') is None  # fails its check digit: no ID
    assert free.body(b"not json 13800138000") is None  # the route refuses it
    assert free.query(b"purpose=%E6%A0%B8%E5%AF%B9") is None
