from sqlalchemy.ext.asyncio import AsyncSession

from common import policy
from contracts.screening import PolicyPackPublishedV1
from intake.policies.models import PolicyPack


async def on_pack(session: AsyncSession, p: PolicyPackPublishedV1) -> None:
    await policy.keep(session, PolicyPack, p)
