"""Keyset (cursor) pagination: stable under concurrent inserts, O(page) at any depth."""

import base64
import datetime as dt
import json
import uuid
from typing import Annotated, Any, Generic, TypeVar

from fastapi import Query
from pydantic import BaseModel
from sqlalchemy import Select, tuple_

from common.errors import BadRequest

LimitQuery = Annotated[int, Query(ge=1, le=500, description="page size")]
CursorQuery = Annotated[str | None, Query(max_length=500, description="`next_cursor` of the previous page")]


T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: str | None = None


S = TypeVar("S", bound=Select[*tuple[Any, ...]])


def encode_cursor(created_at: dt.datetime, id_: uuid.UUID) -> str:
    raw = json.dumps([created_at.isoformat(), str(id_)]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> tuple[dt.datetime, uuid.UUID] | None:
    if not cursor:
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        ts, id_ = json.loads(raw)
        return dt.datetime.fromisoformat(ts), uuid.UUID(id_)
    except (ValueError, TypeError) as exc:
        raise BadRequest("Malformed cursor") from exc


def keyset(q: S, time_column: Any, id_column: Any, cursor: str | None, limit: int) -> S:
    """The query for one page: after the cursor, in (time, id) order, one row more than the page (see page_of)."""
    if after := decode_cursor(cursor):
        q = q.where(tuple_(time_column, id_column) > tuple_(*after))
    return q.order_by(time_column, id_column).limit(limit + 1)


def page_of(rows: list[Any], limit: int, key: Any) -> tuple[list[Any], str | None]:
    """`rows` was fetched with limit+1; `key(row)` gives (created_at, id) of a row."""
    if len(rows) > limit:
        rows = rows[:limit]
        return rows, encode_cursor(*key(rows[-1]))
    return rows, None
