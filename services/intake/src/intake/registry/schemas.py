"""The gateway's messages, after the DCI (Digital Convergence Initiative) social-registry API: an envelope
of `signature`, `header` and `message`; `search`, `subscribe`, `unsubscribe` answered in kind (`on-search`,
`on-subscribe`, `on-unsubscribe`), and `notify` sent to a subscriber. What safetynet answers is its own
record type: a household's monitoring status, never an identifier."""

import datetime as dt
import uuid
from typing import Annotated, Final, Literal

from pydantic import AnyHttpUrl, BaseModel, ConfigDict, Field

from common.clock import Day
from contracts.base import IDENTIFIER

DCI_VERSION: Final = "1.0.0"
REG_TYPE: Final = "ns:cn:safetynet:monitoring"  # the register this gateway answers for
RECORD_TYPE = "household-monitoring"
EventType = Literal["monitored", "eliminated"]
Text64 = Field(min_length=1, max_length=64, pattern=r"^[\w.:@/-]+$")
SIGNED = (
    'the sender\'s signature of header and message (DCI 1.0.0 MsgSignature: `Signature: namespace="spdci", '
    'keyId="{sender_id}|{kid}|ed25519", algorithm="ed25519", created, expires, headers="(created) (expires) digest", '
    "signature`; ADR 0020): required, by a key registered for `header.sender_id`"
)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Header(_Strict):
    version: Literal["1.0.0"] = DCI_VERSION
    message_id: str = Text64
    message_ts: dt.datetime
    action: str = Field(max_length=20)
    sender_id: str = Text64
    sender_uri: AnyHttpUrl | None = Field(None, description="where `notify` messages are sent (subscribe)")
    receiver_id: str | None = Field(None, max_length=64)
    total_count: int | None = Field(None, ge=0, le=1000)
    is_msg_encrypted: Literal[False] = False


class IdQuery(_Strict):
    type: Literal["RESIDENT_ID", "HOUSEHOLD_NO"] = Field(description="an 18-character resident ID, or 户编号")
    value: Annotated[str, IDENTIFIER] = Field(min_length=1, max_length=40, pattern=r"^[0-9A-Za-z-]+$")


class SearchCriteria(_Strict):
    version: Literal["1.0.0"] = DCI_VERSION
    reg_type: Literal["ns:cn:safetynet:monitoring"] = REG_TYPE
    query_type: Literal["idtype-value"] = "idtype-value"
    query: IdQuery


class SearchRequestItem(_Strict):
    reference_id: str = Text64
    timestamp: dt.datetime
    search_criteria: SearchCriteria
    locale: str | None = Field("zh", max_length=10)


class SearchMessage(_Strict):
    transaction_id: str = Text64
    search_request: list[SearchRequestItem] = Field(min_length=1, max_length=50)


class SearchEnvelope(_Strict):
    """A sync search: at most 50 requests, each for one household by resident ID or 户编号."""

    signature: str | None = Field(None, max_length=2000, description=SIGNED)
    header: Header
    message: SearchMessage


class Consented(BaseModel):
    consent_id: uuid.UUID
    scope: str
    expires_on: Day


class MonitoringRecord(BaseModel):
    """What another registry may know of a household that consented to the sharing (部门间数据共享比对): its
    number and place, its monitoring and assistance status, its risks. No name, no identifier."""

    household_no: str
    region_code: str
    region_name: str | None
    status: str = Field(description="registered | monitored | eliminated")
    status_zh: str
    assistance_status: str | None
    object_type: str | None = Field(description="the latest approved case's target type")
    risks: list[str] = Field(description="the latest approved case's risk categories")
    consent: Consented


class RecordSet(BaseModel):
    version: str = DCI_VERSION
    reg_type: str = REG_TYPE
    reg_record_type: str = RECORD_TYPE
    reg_records: list[MonitoringRecord]


class SearchResponseItem(BaseModel):
    reference_id: str
    timestamp: dt.datetime
    status: Literal["succ", "rjct"]
    status_reason_code: str | None = None
    status_reason_message: str | None = None
    data: RecordSet | None = None
    locale: str | None = "zh"


class ResponseHeader(BaseModel):
    version: str = DCI_VERSION
    message_id: str
    message_ts: dt.datetime
    action: str
    status: Literal["succ", "rjct"] = "succ"
    total_count: int
    completed_count: int
    sender_id: str
    receiver_id: str


class SearchResponseMessage(BaseModel):
    transaction_id: str
    correlation_id: str
    search_response: list[SearchResponseItem]


class SearchResponse(BaseModel):
    signature: str | None = Field(None, description="signed with the gateway's key (`/registry/.well-known/jwks.json`)")
    header: ResponseHeader
    message: SearchResponseMessage


class SubscribeCriteria(_Strict):
    version: Literal["1.0.0"] = DCI_VERSION
    reg_type: Literal["ns:cn:safetynet:monitoring"] = REG_TYPE
    reg_event_type: list[EventType] = Field(min_length=1, description="monitored, eliminated")
    region_prefix: str | None = Field(
        None,
        pattern=r"^(\d{2}|\d{4}|\d{6}|\d{9}|\d{12})$",
        description="within the caller's jurisdiction; default all of it",
    )


class SubscribeRequestItem(_Strict):
    reference_id: str = Text64
    timestamp: dt.datetime
    subscribe_criteria: SubscribeCriteria


class SubscribeMessage(_Strict):
    transaction_id: str = Text64
    subscribe_request: list[SubscribeRequestItem] = Field(min_length=1, max_length=10)


class SubscribeEnvelope(_Strict):
    """Subscribe to households' monitoring changes: `header.sender_uri` receives the `notify` messages."""

    signature: str | None = Field(None, max_length=2000, description=SIGNED)
    header: Header
    message: SubscribeMessage


class SubscribeResponseItem(BaseModel):
    reference_id: str
    timestamp: dt.datetime
    status: Literal["succ", "rjct"]
    status_reason_code: str | None = None
    subscription_code: uuid.UUID | None = None


class SubscribeResponseMessage(BaseModel):
    transaction_id: str
    correlation_id: str
    subscribe_response: list[SubscribeResponseItem]


class SubscribeResponse(BaseModel):
    signature: str | None = Field(None, description="signed with the gateway's key (`/registry/.well-known/jwks.json`)")
    header: ResponseHeader
    message: SubscribeResponseMessage


class UnsubscribeMessage(_Strict):
    transaction_id: str = Text64
    subscription_codes: list[uuid.UUID] = Field(min_length=1, max_length=50)


class UnsubscribeEnvelope(_Strict):
    signature: str | None = Field(None, max_length=2000, description=SIGNED)
    header: Header
    message: UnsubscribeMessage


class Jwk(BaseModel):
    kty: str
    crv: str
    x: str
    kid: str = Field(description="the key's RFC 7638 thumbprint: the middle part of a signature's keyId")
    use: str
    alg: str


class Jwks(BaseModel):
    keys: list[Jwk]


class IdentifiersRequest(_Strict):
    household_ids: list[uuid.UUID] = Field(min_length=1, max_length=200, description="from the department's list")


class IdentifiedMember(BaseModel):
    relation: str
    resident_id: str = Field(json_schema_extra={"x-personal": True}, description="unmasked: to match its records")


class IdentifiedHousehold(BaseModel):
    household_id: uuid.UUID
    household_no: str
    region_code: str
    members: list[IdentifiedMember]


class SubscriptionPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID = Field(description="the subscription_code")
    subscriber: str
    department: str | None
    region_prefix: str
    event_types: list[str]
    notify_uri: str
    created_at: dt.datetime
    ended_at: dt.datetime | None
    delivered: int = 0
    pending: int = 0
    withheld: int = 0
