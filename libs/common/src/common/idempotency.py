"""`Idempotency-Key` for POSTs: a retried request returns the first response instead of acting twice.

The key row is written in the request's own transaction, so it exists exactly when the effect does.
Keys are scoped to the caller; the same key with a different request is refused (422).
"""

import hashlib
from typing import Annotated, Any

from fastapi import Depends, Header, Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse
from sqlalchemy import Table, select
from sqlalchemy.dialects.postgresql import insert

from common.auth import CurrentPrincipal
from common.db import SessionDep
from common.errors import Conflict, IdempotencyKeyReused


class Replayed(Exception):
    def __init__(self, status_code: int, body: Any) -> None:
        self.response = JSONResponse(body, status_code=status_code, headers={"Idempotent-Replayed": "true"})


class Idempotency:
    def __init__(self, table: Table | None, session: Any, principal: str, key: str | None, fingerprint: str) -> None:
        self.table, self.session, self.principal, self.key, self.fingerprint = (
            table,
            session,
            principal,
            key,
            fingerprint,
        )

    async def check(self) -> None:
        if self.key is None or self.table is None:
            return
        t = self.table
        row = (
            await self.session.execute(
                select(t.c.fingerprint, t.c.status_code, t.c.body).where(
                    t.c.principal == self.principal, t.c.key == self.key
                )
            )
        ).first()
        if row is None:
            return
        if row.fingerprint != self.fingerprint:
            raise IdempotencyKeyReused(
                f"Idempotency-Key {self.key!r} was used for a different request", zh="此幂等键已用于另一个请求"
            )
        raise Replayed(row.status_code, row.body)

    async def remember(self, result: Any, status_code: int = 201) -> Any:
        """Record the response beside the effect; call last, with what the endpoint returns."""
        if self.key is None or self.table is None:
            return result
        t = self.table
        stored = await self.session.execute(
            insert(t)
            .values(
                principal=self.principal,
                key=self.key,
                fingerprint=self.fingerprint,
                status_code=status_code,
                body=jsonable_encoder(result),
            )
            .on_conflict_do_nothing()
            .returning(t.c.key)
        )
        if stored.first() is None:
            raise Conflict(
                f"A request with Idempotency-Key {self.key!r} is being processed; retry shortly",
                zh="使用此幂等键的请求正在处理，请稍后重试",
            )
        return result


async def _idempotency(
    request: Request,
    session: SessionDep,
    principal: CurrentPrincipal,
    idempotency_key: Annotated[str | None, Header(max_length=200, description="Makes a retried POST safe")] = None,
) -> Idempotency:
    body = await request.body()
    fingerprint = hashlib.sha256(f"{request.method} {request.url.path}\n".encode() + body).hexdigest()
    idem = Idempotency(
        getattr(request.app.state, "idempotency_table", None), session, principal.sub, idempotency_key, fingerprint
    )
    await idem.check()
    return idem


IdempotencyDep = Annotated[Idempotency, Depends(_idempotency)]
