"""One dialect for every list: `Page[T]`, the items and an opaque `next_cursor` (null on the last page).

Lists held in the database page by keyset: the cursor is the key of the page's last row, so paging is
stable under concurrent inserts and costs one page at any depth, and filters (the caller's jurisdiction
first) are in the query, so a page is full whenever more rows follow. Short lists computed in memory (the
rule catalogue, a household's timeline) page by the key of their last item the same way.
"""

import base64
import datetime as dt
import json
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Generic, TypeVar

from fastapi import Depends, Query
from pydantic import BaseModel
from sqlalchemy import Select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from common.access import readable
from common.auth import Principal
from common.errors import BadRequest
from common.messages import Invalid

LimitQuery = Annotated[int, Query(ge=1, le=500, description="page size")]
CursorQuery = Annotated[str | None, Query(max_length=500, description="`next_cursor` of the previous page")]


T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: str | None = None


S = TypeVar("S", bound=Select[*tuple[Any, ...]])


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    return value


def encode_cursor(*key: Any) -> str:
    raw = json.dumps([_plain(v) for v in key]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _typed(value: Any, column: Any) -> Any:
    kind = column.type.python_type
    if kind is dt.datetime:
        return dt.datetime.fromisoformat(value)
    if kind is dt.date:
        return dt.date.fromisoformat(value)
    if kind is uuid.UUID:
        return uuid.UUID(value)
    if kind is int and not isinstance(value, int):
        raise TypeError("not an integer")
    return kind(value)


def decode_cursor(cursor: str | None, columns: Sequence[Any]) -> tuple[Any, ...] | None:
    if not cursor:
        return None
    try:
        raw = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if not isinstance(raw, list) or len(raw) != len(columns):
            raise Invalid("cursor of another list", "翻页游标属于另一个列表")
        return tuple(_typed(v, c) for v, c in zip(raw, columns, strict=True))
    except (ValueError, TypeError) as exc:
        raise BadRequest("Malformed cursor", zh="翻页游标格式不正确") from exc


def keyset(q: S, columns: Sequence[Any], cursor: str | None, limit: int, *, descending: bool = False) -> S:
    """The query for one page: after the cursor in the order of `columns` (a unique key), one row more than
    the page (see page_of)."""
    if (after := decode_cursor(cursor, columns)) is not None:
        key = tuple_(*columns)
        q = q.where(key < tuple_(*after) if descending else key > tuple_(*after))
    return q.order_by(*(c.desc() if descending else c for c in columns)).limit(limit + 1)


def page_of(rows: Sequence[Any], limit: int, key: Callable[[Any], tuple[Any, ...]]) -> tuple[list[Any], str | None]:
    """`rows` was fetched with limit+1; `key(row)` gives the row's values of the keyset's columns."""
    rows = list(rows)
    if len(rows) > limit:
        rows = rows[:limit]
        return rows, encode_cursor(*key(rows[-1]))
    return rows, None


async def page_rows(
    session: AsyncSession,
    q: Select[Any],
    columns: Sequence[Any],
    cursor: str | None,
    limit: int,
    *,
    descending: bool = False,
) -> tuple[list[Any], str | None]:
    """One page of a query's entities (its first column), keyed by `columns` of that entity."""
    rows = list((await session.execute(keyset(q, columns, cursor, limit, descending=descending))).scalars())
    names = [c.key for c in columns]
    return page_of(rows, limit, lambda r: tuple(getattr(r, n) for n in names))


def page_list(items: Sequence[T], key: Callable[[T], str], cursor: str | None, limit: int) -> Page[T]:
    """A page of a short list computed in memory, in its order; `key` is unique within the list."""
    start = 0
    if cursor:
        try:
            (after,) = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
            start = next(i for i, item in enumerate(items) if key(item) == after) + 1
        except (ValueError, TypeError, StopIteration) as exc:
            raise BadRequest("Malformed cursor", zh="翻页游标格式不正确") from exc
    shown = list(items[start : start + limit])
    more = start + limit < len(items)
    return Page(items=shown, next_cursor=encode_cursor(key(shown[-1])) if more and shown else None)


@dataclass
class QueueFilters:
    """The filters every work queue offers (a FastAPI dependency): states, a region prefix within the
    caller's jurisdiction, one household. The model needs region_code, state, household_id, created_at, id."""

    state: Annotated[list[str] | None, Query()] = None
    region_prefix: Annotated[str | None, Query(pattern=r"^\d{2,12}$")] = None
    household_id: uuid.UUID | None = None

    def query(self, model: Any, principal: Principal) -> Select[Any]:
        q = readable(model, principal)
        if self.state:
            q = q.where(model.state.in_(self.state))
        if self.region_prefix:
            q = q.where(model.region_code.like(self.region_prefix + "%"))
        if self.household_id:
            q = q.where(model.household_id == self.household_id)
        return q

    async def page(
        self,
        session: AsyncSession,
        model: Any,
        principal: Principal,
        cursor: str | None,
        limit: int,
        q: Select[Any] | None = None,
    ) -> tuple[list[Any], str | None]:
        """One page, oldest first, of the query (default: these filters on the model)."""
        q = self.query(model, principal) if q is None else q
        return await page_rows(session, q, (model.created_at, model.id), cursor, limit)


Filters = Annotated[QueueFilters, Depends()]
