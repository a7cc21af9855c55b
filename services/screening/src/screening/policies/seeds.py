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

# The documents say 刚性支出明显超过上年度收入 (rigid expenditure clearly exceeding last year's income): read as
# above 1.0 x that income.
RIGID = "刚性支出明显超过上年度收入 (read as: above 1.0 x last year's income)"

ZHONGKAI_TOWNSHIPS = ["441302007", "441302008", "441302106", "441302107", "441302114"]  # 仲恺高新区 (in 惠城区's codes)

SEEDS = [
    PolicyCreate(
        region_prefix="532504",
        year=2020,
        effective_from=dt.date(2020, 1, 1),
        monitoring_line=Decimal(4428),
        name="弥勒市2020年防止返贫监测范围",
        source="弥勒市健全完善防止返贫致贫监测和帮扶机制的实施细则(2020)",
        value_sources={
            "monitoring_line": "弥勒市健全完善防止返贫致贫监测和帮扶机制的实施细则(2020), 一(二)监测范围: "
            "人均纯收入低于国家扶贫标准1.5倍(即4428元)左右的家庭",
            "rigid_expense_ratio": f"弥勒市健全完善防止返贫致贫监测和帮扶机制的实施细则(2020), 一(二)监测范围: {RIGID}",
        },
    ),
    PolicyCreate(
        region_prefix="64",
        year=2020,
        effective_from=dt.date(2020, 1, 1),
        monitoring_line=Decimal(5000),
        name="宁夏回族自治区2020年防贫预警监测范围",
        source="宁开办发〔2020〕8号",
        income_year_offset=-1,
        value_sources={
            "income_year_offset": "宁开办发〔2020〕8号, (一)脱贫不稳定人口界定参考标准: 重点排查上一年度家庭人均纯收入",
            "monitoring_line": "宁开办发〔2020〕8号, (一)脱贫不稳定人口界定参考标准: 上一年度家庭人均纯收入低于5000元",
        },
    ),
    *[
        PolicyCreate(
            region_prefix=code,
            year=2021,
            effective_from=dt.date(2021, 1, 1),
            monitoring_line=Decimal(15354),
            name="仲恺高新区2021年防止返贫监测范围",
            source="《仲恺高新区健全防止返贫动态监测和帮扶机制工作方案》(2021)",
            value_sources={
                "monitoring_line": "《仲恺高新区健全防止返贫动态监测和帮扶机制工作方案》(2021), (二)监测范围: "
                "每年按当年农村低保标准的1.5倍以下(2021年农村低保标准为10236元，1.5倍为15354元)",
            },
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
