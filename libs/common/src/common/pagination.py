"""Keyset (cursor) pagination: stable under concurrent inserts, O(page) at any depth."""

import base64
import datetime as dt
import json
import uuid
from dataclasses import dataclass
from typing import Annotated, Any, Generic, TypeVar

from fastapi import Depends, Query
from pydantic import BaseModel
from sqlalchemy import Select, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from common.auth import Principal, jurisdiction_clause
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


@dataclass
class QueueFilters:
    """The filters every work queue offers (a FastAPI dependency): states, a region prefix within the
    caller's jurisdiction, one household. The model needs region_code, state, household_id, created_at, id."""

    state: Annotated[list[str] | None, Query()] = None
    region_prefix: Annotated[str | None, Query(pattern=r"^\d{2,12}$")] = None
    household_id: uuid.UUID | None = None

    def query(self, model: Any, principal: Principal) -> Select[Any]:
        q = select(model).where(jurisdiction_clause(model.region_code, principal))
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
        rows = list((await session.execute(keyset(q, model.created_at, model.id, cursor, limit))).scalars())
        return page_of(rows, limit, lambda r: (r.created_at, r.id))


Filters = Annotated[QueueFilters, Depends()]
