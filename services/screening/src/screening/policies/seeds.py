"""The policy packs of the source documents, shipped as reviewed data files (`packs/*.yaml`) and published
once each: the national pack before the others of its year, earlier years first, so that what a file leaves
out is carried forward from the packs its document builds on."""

from importlib import resources

import yaml
from fastapi import FastAPI
from sqlalchemy import select

from common.db import Database
from screening.policies import service
from screening.policies.models import Policy
from screening.policies.schemas import PolicyCreate


def shipped() -> list[PolicyCreate]:
    files = sorted(
        (f for f in resources.files("screening.policies").joinpath("packs").iterdir() if f.name.endswith(".yaml")),
        key=lambda f: f.name,
    )
    packs = [PolicyCreate.model_validate(yaml.safe_load(f.read_text(encoding="utf-8"))) for f in files]
    return sorted(packs, key=lambda p: (p.year, p.jurisdiction.level != "national", p.jurisdiction.code))


async def load_seeds(app: FastAPI) -> None:
    db: Database = app.state.db
    async with db.transaction() as session:
        for pack in shipped():
            exists = (
                await session.execute(
                    select(Policy.id).where(Policy.jurisdiction == pack.jurisdiction.code, Policy.year == pack.year)
                )
            ).first()
            if exists is None:
                await service.publish(session, pack, published_by="seed")
