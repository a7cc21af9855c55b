"""Regional records as departments send them: a farm product's price (agriculture's price monitoring), a
village industry project's status and its assets (rural revitalisation's project records)."""

import datetime as dt
import uuid
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from common.clock import Day

Label = Annotated[str, Field(min_length=1, max_length=40, pattern=r"^[^\x00-\x1f=+@\-][^\x00-\x1f]*$")]
Region = Annotated[str, Field(pattern=r"^(\d{6}|\d{9}|\d{12})$", description="a county, township or village code")]


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid")

    source: str = Field(min_length=2, max_length=40, pattern=r"^[a-z-]+$", description="the sending office")
    record_id: str = Field(min_length=1, max_length=100, pattern=r"^[0-9A-Za-z_.:-]+$")
    revision: int = Field(1, ge=1, le=1000, description="a higher revision corrects and supersedes")
    region_code: Region
    observed_on: Day = Field(description="the day observed (China Standard Time), not after today")


class PriceRecord(_Record):
    """A farm product's average price in a county or township (大宗农副产品价格)."""

    kind: Literal["price"]
    product: Label = Field(examples=["生猪"])
    unit: Label = Field(examples=["元/公斤"])
    price: Decimal = Field(gt=0, le=1_000_000, max_digits=12, decimal_places=2)


class ProjectRecord(_Record):
    """A village industry project (乡村产业项目) and the poverty-alleviation assets it holds: running, failed,
    suspended, or its assets lost or idle (扶贫资产流失)."""

    kind: Literal["project"]
    name: Label = Field(examples=["村集体养殖场"])
    status: Literal["running", "failed", "suspended", "asset_lost", "asset_idle"]
    households: int = Field(ge=0, le=100_000, description="the households whose income depends on it")
    invested: Decimal | None = Field(None, ge=0, le=1_000_000_000, max_digits=14, decimal_places=2)


RegionalRecordIn = Annotated[PriceRecord | ProjectRecord, Field(discriminator="kind")]


class RegionalRecordBatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    records: list[RegionalRecordIn] = Field(min_length=1, max_length=1000)


class BatchOutcome(BaseModel):
    accepted: int
    duplicates: int = Field(description="the same record and revision again: nothing changed")
    superseding: int = Field(description="accepted records that replaced an earlier revision")


class RegionalRecordPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    source: str
    record_id: str
    revision: int
    kind: str
    region_code: str
    observed_on: Day
    facts: dict
    superseded: bool
    received_by: str
    received_at: dt.datetime
