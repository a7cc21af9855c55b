"""The gateway's answers, as the DCI 1.0.0 schemas want them (`registry_core_api_v1.0.0`): written with
`exclude_none`, so a field left None is absent, never null; a locale is three letters; `reg_records` is one
object; a refusal is the standard's (an acknowledgement `ERR`, an `errors` list, or a `rjct` status with its
reason code), never problem+json, which stays for safetynet's own REST API."""

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from intake.registry.schemas import DCI_VERSION, LOCALE, RECORD_TYPE, REG_TYPE

# Answers: written with `exclude_none`, so a field left None is absent, never null.


class ResponseHeader(BaseModel):
    """MsgCallbackHeader_V1.0.0."""

    version: str = DCI_VERSION
    message_id: str
    message_ts: dt.datetime
    action: str
    status: Literal["rcvd", "pdng", "succ", "rjct"] = "succ"
    status_reason_code: str | None = Field(None, description="MsgHeaderStatusReasonCode, when `rjct`")
    status_reason_message: str | None = Field(None, max_length=999)
    total_count: int
    completed_count: int
    sender_id: str
    receiver_id: str
    is_msg_encrypted: bool = False


class Pagination(BaseModel):
    page_size: int
    page_number: int
    total_count: int


class Records(BaseModel):
    """`reg_records` (RegistryRecord, one object): the Groups found, as a JSON-LD graph (`entities`)."""

    model_config = ConfigDict(populate_by_name=True)

    context: dict[str, str] = Field(alias="@context")
    graph: list[dict[str, Any]] = Field(alias="@graph")


class RecordSet(BaseModel):
    version: str = DCI_VERSION
    reg_type: str = REG_TYPE
    reg_event_type: str | None = None
    reg_record_type: str = RECORD_TYPE
    reg_records: Records


class SearchResponseItem(BaseModel):
    reference_id: str
    timestamp: dt.datetime
    status: Literal["succ", "rjct"]
    status_reason_code: str | None = Field(None, description="SearchStatusReasonCode, when `rjct`")
    status_reason_message: str | None = Field(None, max_length=999)
    data: RecordSet | None = None
    pagination: Pagination | None = None
    locale: str = LOCALE


class SearchResponseMessage(BaseModel):
    transaction_id: str
    correlation_id: str
    search_response: list[SearchResponseItem]


class SubscriptionInfo(BaseModel):
    """A subscription made. The release's schema requires `subscription_code` and `subscribe_criteria`
    beside the `code` and criteria fields it defines: both spellings are written."""

    version: str = DCI_VERSION
    code: str
    subscription_code: str
    status: Literal["subscribe", "unsubscribe"]
    timestamp: dt.datetime
    reg_type: str = REG_TYPE
    reg_event_type: str
    filter_type: str = "predicate"
    filter: list[dict[str, Any]] = Field(description="the region covered, as one predicate")
    notify_record_type: str = RECORD_TYPE
    subscribe_criteria: dict[str, Any]
    locale: str = LOCALE


class SubscribeResponseItem(BaseModel):
    reference_id: str
    timestamp: dt.datetime
    status: Literal["succ", "rjct"]
    status_reason_code: str | None = Field(None, description="SubscribeStatusReasonCode, when `rjct`")
    status_reason_message: str | None = Field(None, max_length=999)
    subscriptions: list[SubscriptionInfo] | None = None
    locale: str = LOCALE


class SubscribeResponseMessage(BaseModel):
    transaction_id: str
    correlation_id: str
    subscribe_response: list[SubscribeResponseItem]


class SubscriptionState(BaseModel):
    code: str
    status: Literal["subscribe", "unsubscribe"]


class UnsubscribeResponseMessage(BaseModel):
    transaction_id: str
    correlation_id: str
    timestamp: dt.datetime
    status: Literal["succ", "rjct"]
    status_reason_code: str | None = Field(None, description="UnSubscribeStatusReasonCode, when `rjct`")
    status_reason_message: str | None = Field(None, max_length=999)
    subscription_status: list[SubscriptionState]


class TxnStatus(BaseModel):
    txn_type: Literal["on-search", "on-subscribe", "on-unsubscribe"]
    txn_status: SearchResponseMessage | SubscribeResponseMessage | UnsubscribeResponseMessage


class TxnStatusResponseMessage(BaseModel):
    transaction_id: str
    correlation_id: str
    txnstatus_response: TxnStatus


class Error(BaseModel):
    code: str = Field(description="the standard's error code (`err.request.bad`, `err.signature.invalid`, ...)")
    message: str = Field(max_length=999)


class AckMessage(BaseModel):
    ack_status: Literal["ACK", "NACK", "ERR"]
    timestamp: dt.datetime
    correlation_id: str
    error: Error | None = None


class Ack(BaseModel):
    """The acknowledgement of an asynchronous request: `ACK`, its answer to follow at `header.sender_uri`."""

    message: AckMessage


class Errors(BaseModel):
    """The standard's HttpErrorResponse: a refused request (unsigned, not allowed, not a message)."""

    errors: list[Error]


class SearchAnswer(BaseModel):
    """`on-search`: signed with the gateway's key (`/registry/.well-known/jwks.json`)."""

    signature: str
    header: ResponseHeader
    message: SearchResponseMessage


class TxnStatusAnswer(BaseModel):
    """`txn-on-status`: signed with the gateway's key."""

    signature: str
    header: ResponseHeader
    message: TxnStatusResponseMessage
