"""Cursors of the one list dialect (no database)."""

import datetime as dt
import uuid

import pytest
from sqlalchemy import BigInteger, Column, DateTime, MetaData, Table, Uuid

from common.errors import BadRequest
from common.pagination import decode_cursor, encode_cursor, page_list

T = Table("t", MetaData(), Column("at", DateTime(timezone=True)), Column("id", Uuid), Column("n", BigInteger))


def test_a_cursor_carries_its_key_typed_by_the_columns() -> None:
    key = (dt.datetime(2026, 11, 27, 3, 0, tzinfo=dt.UTC), uuid.uuid4())
    assert decode_cursor(encode_cursor(*key), (T.c.at, T.c.id)) == key
    assert decode_cursor(encode_cursor(41), (T.c.n,)) == (41,)


@pytest.mark.parametrize("cursor", ["not base64 at all!", encode_cursor("x"), encode_cursor(1, 2), encode_cursor("1")])
def test_a_cursor_of_another_list_or_garbage_is_a_bad_request(cursor: str) -> None:
    with pytest.raises(BadRequest):
        decode_cursor(cursor, (T.c.n,))


def test_a_list_in_memory_pages_by_its_last_key() -> None:
    items = [f"r{i:02}" for i in range(25)]
    seen, cursor = [], None
    while True:
        page = page_list(items, str, cursor, 10)
        seen += page.items
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    assert seen == items
    with pytest.raises(BadRequest):
        page_list(items, str, encode_cursor("gone"), 10)
