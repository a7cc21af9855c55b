import datetime as dt
import uuid
from enum import StrEnum
from typing import Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from common import clock
from common.clock import Day
from common.messages import Invalid


class Scope(StrEnum):
    asset_check = "asset_check"  # 授权查询比对家庭资产信息
    data_sharing = "data_sharing"  # 部门间数据共享比对


REQUIRED_FOR_IDENTIFICATION = frozenset({Scope.asset_check, Scope.data_sharing})


class EvidenceKind(StrEnum):
    e_sign = "e_sign"
    scanned_form = "scanned_form"


class ConsentChannel(StrEnum):
    app = "app"
    village_committee = "village_committee"
    home_visit = "home_visit"


class Evidence(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: EvidenceKind
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$", description="digest of the signature record or scanned form")
    reference: str | None = Field(None, max_length=300, description="e-sign transaction id or document store key")


class ConsentCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    scopes: list[Scope] = Field(min_length=1, examples=[["asset_check", "data_sharing"]])
    signer_member_ids: list[uuid.UUID] = Field(min_length=1, description="the head, and adults where required")
    evidence: Evidence
    channel: ConsentChannel
    signed_at: dt.datetime
    expires_on: Day | None = Field(None, description="defaults to the jurisdiction's validity period")

    @model_validator(mode="after")
    def _sane(self) -> Self:
        if self.signed_at.tzinfo is None:
            raise Invalid("signed_at needs a time zone", "签署时间应带时区（如+08:00）")
        if self.signed_at > clock.now() + dt.timedelta(minutes=5):
            raise Invalid("signed_at is in the future", "签署时间不能晚于现在")
        if self.expires_on is not None and self.expires_on <= clock.cst_date(self.signed_at):
            raise Invalid("expires_on must be after the signing date", "到期日应晚于签署日期")
        self.scopes = sorted(set(self.scopes))
        return self


class Revocation(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=1, max_length=500)


class ConsentPublic(BaseModel):
    id: uuid.UUID
    household_id: uuid.UUID
    scopes: list[str]
    signer_member_ids: list[uuid.UUID]
    evidence: Evidence
    channel: str
    signed_at: dt.datetime
    expires_on: Day
    status: str = Field(description="valid, expired or revoked")
    revoked_at: dt.datetime | None = None
    revocation_reason: str | None = None
