"""Every read of a household's personal data is recorded as an `audit.access.v1` event (ledger keeps it).

The event goes through the outbox in the reading request's own transaction: if the read is answered,
the record of it exists.
"""

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from pydantic.json_schema import JsonDict
from sqlalchemy.ext.asyncio import AsyncSession

from common import clock
from common.auth import Principal
from common.messaging.outbox import Outbox
from contracts.audit import ACCESS_TOPIC, PersonalDataAccessedV1

# A response field that carries personal data (a name, an address, an unmasked identifier, a household
# snapshot): `Field(json_schema_extra=PERSONAL)`. A route whose response has one must be declared
# `openapi_extra=audited(...)` and record the read; a test walks every route's schema to hold both to it.
PERSONAL: JsonDict = {"x-personal": True}


def audited(what: str) -> dict[str, Any]:
    """Declares on a route (and in the OpenAPI, for integrators) that answering it is an audited read."""
    return {"x-audited-read": what}


async def record_accesses(
    session: AsyncSession,
    outbox: Outbox,
    principal: Principal,
    households: Iterable[tuple[uuid.UUID, str]],
    *,
    what: str,
    purpose: str,
    service: str,
) -> None:
    """One read of several households' data (a list that names them): one event each, in one statement."""
    at = clock.now()
    await outbox.add_many(
        session,
        [
            (
                PersonalDataAccessedV1(
                    household_id=household_id,
                    region_code=region_code,
                    actor=principal.sub,
                    actor_role=principal.role,
                    actor_region=",".join(principal.prefixes),
                    actor_name=principal.name,
                    what=what,
                    purpose=purpose,
                    service=service,
                    accessed_at=at,
                ),
                household_id,
            )
            for household_id, region_code in households
        ],
    )


@dataclass(frozen=True)
class AccessAudit:
    """A service's recorder of reads of personal data (one per service, in its `mechanisms.py`): the one
    way a read is recorded, whichever service answers it."""

    outbox: Outbox
    service: str

    def __post_init__(self) -> None:
        self.outbox.declare(ACCESS_TOPIC)

    async def read(
        self,
        session: AsyncSession,
        principal: Principal,
        household_id: uuid.UUID,
        region_code: str,
        what: str,
        purpose: str,
    ) -> None:
        await self.reads(session, principal, [(household_id, region_code)], what, purpose)

    async def reads(
        self,
        session: AsyncSession,
        principal: Principal,
        households: Iterable[tuple[uuid.UUID, str]],
        what: str,
        purpose: str,
    ) -> None:
        """A read that names several households (a list): one event each, in one statement."""
        await record_accesses(
            session, self.outbox, principal, households, what=what, purpose=purpose, service=self.service
        )
