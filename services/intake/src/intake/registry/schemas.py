"""The gateway's messages, after the DCI (Digital Convergence Initiative) social-registry API 1.0.0
(spdci/api-standards: `registry_core_api_v1.0.0`, `social_api_v1.0.0`): an envelope of `signature`, `header`
and `message`.

Requests are read as the standard words them: every field it defines is read in the types it gives (a
`total_count` of "1", an empty `sender_uri`, `meta` or `consent` included, as its own samples send them), and
any field it does not define is ignored, never refused (the standard lets a registry extend its messages).
Answers are written as its schemas want them: no field is ever null (an absent field is left out), a locale
is three letters, `reg_records` is one object (ADR 0020's signature covers the JSON as sent)."""

import datetime as dt
import re
import uuid
from typing import Annotated, Any, Final, Literal

from pydantic import AnyHttpUrl, BaseModel, BeforeValidator, ConfigDict, Field, field_validator

from common.clock import Day
from contracts.base import IDENTIFIER, Invalid

DCI_VERSION: Final = "1.0.0"
REG_TYPE: Final = "ns:org:RegistryType:Social"  # the standard's name for a social registry
# The register's own name, as earlier clients of this gateway send it: read as REG_TYPE.
LEGACY_REG_TYPE: Final = "ns:cn:safetynet:monitoring"
RECORD_TYPE: Final = "spdci-extensions-social:Group"
LOCALE: Final = "zho"  # ISO 639-2/T: the answers' language when the request names none the standard allows
PAGE_SIZE, MAX_PAGE_SIZE = 10, 100  # local defaults: the standard states no page sizes
SIGNED = (
    'the sender\'s signature of header and message (DCI 1.0.0 MsgSignature: `Signature: namespace="spdci", '
    'keyId="{sender_id}|{kid}|ed25519", algorithm="ed25519", created, expires, headers="(created) (expires) digest", '
    "signature`; ADR 0020): required, by a key registered for `header.sender_id`"
)


def _blank_is_absent(value: Any) -> Any:
    """The standard's samples send "" for an optional part they leave out: read as absent."""
    return None if value == "" else value


Optional = BeforeValidator(_blank_is_absent)
Id99 = Field(max_length=99, pattern=r"^[^\x00-\x1f]*$")  # the standard's TransactionId, ReferenceId: string, 99
_IDENTIFIER = re.compile(r"^[0-9A-Za-z-]{1,99}$")
Sender = Field(min_length=1, max_length=99, pattern=r"^[\w.:@/-]+$")


class _Open(BaseModel):
    """A part of a standard message: what the standard does not define is ignored."""

    model_config = ConfigDict(extra="ignore")


class Header(_Open):
    """MsgHeader_V1.0.0."""

    version: Literal["1.0.0"] = DCI_VERSION
    message_id: str = Field(min_length=1, max_length=99, pattern=r"^[^\x00-\x1f]*$")
    message_ts: dt.datetime
    action: str = Field(max_length=30)
    sender_id: str = Sender
    sender_uri: Annotated[AnyHttpUrl | None, Optional] = Field(
        None, description="where the answers of asynchronous requests and `notify` messages are POSTed"
    )
    receiver_id: Annotated[str | None, Optional] = Field(None, max_length=99)
    total_count: Annotated[int | None, Optional] = Field(None, ge=0)
    is_msg_encrypted: Literal[False] = Field(False, description="encrypted messages are not supported")
    meta: Any = Field(None, description="ignored")


class IdQuery(_Open):
    """IdentifierTypeValue: `UIN` (the 18-character resident ID, as `RESIDENT_ID`) or `HOUSEHOLD_NO` (户编号)."""

    type: str = Field(min_length=1, max_length=60)
    value: Annotated[str | int, IDENTIFIER, Field(union_mode="left_to_right")] = Field(
        description="letters, digits and hyphens, as identifiers are"
    )

    @field_validator("value")
    @classmethod
    def _identifier_shaped(cls, v: str | int) -> str | int:
        if isinstance(v, str) and not _IDENTIFIER.match(v):
            raise Invalid("an identifier is 1 to 99 letters, digits or hyphens", "标识应为1至99位字母、数字或连字符")
        return v


class ExpTemplate(_Open):
    """ExpTemplate: `value.expression.query`, a NoSql-like filter (`$and`/`$or` of `{attribute: {$op: v}}`)."""

    type: Annotated[str | None, Optional] = Field(None, max_length=60)
    value: dict[str, Any]


class ExpPredicate(_Open):
    attribute_name: str = Field(min_length=1, max_length=60)
    operator: Literal["gt", "lt", "eq", "ge", "le", "in"]
    attribute_value: Annotated[str | int | float | bool | list[Any], IDENTIFIER]


class ExpPredicateWithCondition(BaseModel):
    """`expression1` [`condition` `expression2` ...]: the standard's samples go on to `expression3`."""

    model_config = ConfigDict(extra="allow")

    seq_num: Annotated[float | str | None, Optional] = None
    expression1: ExpPredicate
    condition: Annotated[Literal["and", "or", "not"] | None, Optional] = None
    expression2: Annotated[ExpPredicate | None, Optional] = None


class SearchSort(_Open):
    attribute_name: str = Field(min_length=1, max_length=60)
    sort_order: Literal["asc", "desc"] = "asc"


class PaginationRequest(_Open):
    page_size: int = Field(ge=1, description=f"at most {MAX_PAGE_SIZE} (a local default) are answered per page")
    page_number: int = Field(1, ge=1)


class SearchCriteria(_Open):
    version: Annotated[str | None, Optional] = Field(None, max_length=20)
    reg_type: Annotated[str | None, Optional] = Field(None, max_length=99)
    reg_event_type: Annotated[str | None, Optional] = Field(None, max_length=99, description="ignored")
    query_type: Literal["idtype-value", "expression", "predicate"] = "idtype-value"
    response_entity: Annotated[str | None, Optional] = Field(None, max_length=40, description="Groups are answered")
    query: IdQuery | ExpTemplate | list[ExpPredicateWithCondition]
    sort: Annotated[list[SearchSort] | None, Optional] = Field(None, max_length=10)
    pagination: Annotated[PaginationRequest | None, Optional] = None
    consent: Annotated[dict[str, Any] | str | None, Optional] = Field(
        None, description="the sender's; what is answered stays under the household's own consent"
    )
    authorize: Annotated[dict[str, Any] | str | None, Optional] = None


class SearchRequestItem(_Open):
    reference_id: str = Id99
    timestamp: dt.datetime
    search_criteria: SearchCriteria
    locale: Annotated[str | None, Optional] = Field(None, max_length=20)


class SearchMessage(_Open):
    transaction_id: str = Id99
    search_request: list[SearchRequestItem] = Field(min_length=1, max_length=50)


class SearchEnvelope(_Open):
    """A search: at most 50 requests, each by identifier (`UIN`, `HOUSEHOLD_NO`) or by expression or
    predicate over the attributes `intake.registry.queries` names."""

    signature: Annotated[str | None, Optional] = Field(None, max_length=2000, description=SIGNED)
    header: Header
    message: SearchMessage


class SubscribeCriteria(_Open):
    version: Annotated[str | None, Optional] = Field(None, max_length=20)
    reg_type: Annotated[str | None, Optional] = Field(None, max_length=99)
    reg_event_type: str | list[str] = Field(description="REGISTER (纳入监测), or RiskEliminated (风险消除)")
    filter_type: Annotated[str | None, Optional] = Field(None, max_length=40)
    filter: Any = Field(None, description="`{region: <prefix>}` or a predicate on `region`; default the jurisdiction")
    notify_record_type: Annotated[str | None, Optional] = Field(None, max_length=99)
    region_prefix: Annotated[str | None, Optional] = Field(None, pattern=r"^(\d{2}|\d{4}|\d{6}|\d{9}|\d{12})$")


class SubscribeRequestItem(_Open):
    reference_id: str = Id99
    timestamp: dt.datetime
    subscribe_criteria: SubscribeCriteria
    locale: Annotated[str | None, Optional] = Field(None, max_length=20)


class SubscribeMessage(_Open):
    transaction_id: str = Id99
    subscribe_request: list[SubscribeRequestItem] = Field(min_length=1, max_length=10)


class SubscribeEnvelope(_Open):
    """Subscribe to households' monitoring changes: `header.sender_uri` receives `on-subscribe` and the
    `notify` messages."""

    signature: Annotated[str | None, Optional] = Field(None, max_length=2000, description=SIGNED)
    header: Header
    message: SubscribeMessage


class UnsubscribeMessage(_Open):
    transaction_id: str = Id99
    timestamp: dt.datetime | None = None
    subscription_codes: list[uuid.UUID] = Field(min_length=1, max_length=50)


class UnsubscribeEnvelope(_Open):
    signature: Annotated[str | None, Optional] = Field(None, max_length=2000, description=SIGNED)
    header: Header
    message: UnsubscribeMessage


class TxnStatusQuery(_Open):
    reference_id: str = Id99
    txn_type: Literal["search", "subscribe", "unsubscribe"]
    attribute_type: Literal["transaction_id", "reference_id_list", "correlation_id", "subscription_code_list"]
    attribute_value: str | list[str]
    locale: Annotated[str | None, Optional] = Field(None, max_length=20)


class TxnStatusMessage(_Open):
    transaction_id: str = Id99
    txnstatus_request: TxnStatusQuery


class TxnStatusEnvelope(_Open):
    signature: Annotated[str | None, Optional] = Field(None, max_length=2000, description=SIGNED)
    header: Header
    message: TxnStatusMessage


class Consented(BaseModel):
    consent_id: uuid.UUID
    scope: str
    expires_on: Day


class MonitoringRecord(BaseModel):
    """What another registry may know of a household that consented to the sharing (部门间数据共享比对), as
    the gateway reads it before it is written as a Group: no name, no identifier."""

    household_no: str
    region_code: str
    region_name: str | None
    category: str | None = None
    status: str = Field(description="registered | monitored | eliminated")
    status_zh: str
    assistance_status: str | None
    object_type: str | None = Field(description="the latest approved case's target type")
    risks: list[str] = Field(description="the latest approved case's risk categories")
    relations: list[str] = Field(default_factory=list, description="the active members' relations to the head")
    consent: Consented


class Jwk(BaseModel):
    kty: str
    crv: str
    x: str
    kid: str = Field(description="the key's RFC 7638 thumbprint: the middle part of a signature's keyId")
    use: str
    alg: str


class Jwks(BaseModel):
    keys: list[Jwk]


class IdentifiersRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

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
