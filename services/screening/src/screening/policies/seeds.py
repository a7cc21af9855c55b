"""The policies of the source documents, shipped as data and loaded once (中农组发〔2021〕7号, 监测范围, and
each jurisdiction's document)."""

import datetime as dt
from decimal import Decimal

from fastapi import FastAPI
from sqlalchemy import select

from common.db import Database
from screening.policies import service
from screening.policies.models import Policy
from screening.policies.schemas import PolicyCreate

ZHONGKAI_TOWNSHIPS = ["441302007", "441302008", "441302106", "441302107", "441302114"]  # 仲恺高新区 (in 惠城区's codes)

SEEDS = [
    PolicyCreate(
        region_prefix="532504",
        year=2020,
        effective_from=dt.date(2020, 1, 1),
        monitoring_line=Decimal(4428),
        name="弥勒市2020年防止返贫监测范围",
        source="弥勒市防止返贫监测和帮扶机制实施细则 (2020): 人均纯收入4428元以下",
    ),
    PolicyCreate(
        region_prefix="64",
        year=2020,
        effective_from=dt.date(2020, 1, 1),
        monitoring_line=Decimal(5000),
        name="宁夏回族自治区2020年防贫预警监测范围",
        source="宁夏防贫预警监测指导意见 (2020): 人均纯收入5000元以下",
    ),
    *[
        PolicyCreate(
            region_prefix=code,
            year=2021,
            effective_from=dt.date(2021, 1, 1),
            monitoring_line=Decimal(15354),
            name="仲恺高新区2021年防止返贫监测范围",
            source="仲恺高新区防止返贫动态监测和帮扶机制工作方案 (2021): 农村低保标准10236元的1.5倍",
        )
        for code in ZHONGKAI_TOWNSHIPS
    ],
]


async def load_seeds(app: FastAPI) -> None:
    db: Database = app.state.db
    async with db.transaction() as session:
        for seed in SEEDS:
            exists = (
                await session.execute(
                    select(Policy.id).where(Policy.region_prefix == seed.region_prefix, Policy.year == seed.year)
                )
            ).first()
            if exists is None:
                await service.publish(session, seed, published_by="seed")
