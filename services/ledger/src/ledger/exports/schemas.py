"""What the national-system export routes take and answer."""

import datetime as dt
import uuid

from pydantic import BaseModel, ConfigDict, Field

from common.clock import Day


class ExportCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    region_prefix: str = Field(pattern=r"^(\d{6}|\d{9})$", description="the county or township exported")


class NationalRecord(BaseModel):
    """One household as the national system's entry needs it (全国防返贫监测信息系统: 监测对象信息、风险、帮扶措施、
    风险消除), from the log as of the batch's last leaf. Names and ID numbers are not in the log: the officer
    enters the household by its 户编号, which that system holds."""

    household_id: uuid.UUID
    household_no: str
    region_code: str
    region_name: str
    category: str | None = Field(description="户类别: 脱贫户 / 一般农户")
    people: int
    status: str = Field(description="监测状态: 识别中 / 监测中 / 风险已消除 / 未认定")
    object_type: str | None = Field(description="监测对象类型")
    risks: list[str] = Field(description="返贫致贫风险")
    identified_on: Day | None = Field(description="审定日期")
    identification_no: str | None = Field(description="审定批复文号")
    measures: list[str] = Field(description="帮扶措施 and their state")
    eliminated_on: Day | None = Field(description="风险消除审定日期")
    elimination_no: str | None = Field(description="风险消除批复文号")
    last_leaf: int = Field(description="the last log entry this record reflects")


class ExportPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    region_prefix: str
    after_leaf: int
    through_leaf: int
    records: int
    exported_by: str
    exported_at: dt.datetime
    acknowledged: bool = False
    accepted: int | None = None
    rejected: int | None = None


class ExportBatch(ExportPublic):
    """A batch with its households: the whole batch, not a page (a batch is at most 5,000 households)."""

    households: list[NationalRecord]


class AckCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    accepted: int = Field(ge=0)
    rejected: int = Field(0, ge=0)
    note: str | None = Field(None, max_length=2000, description="what the national system answered")
