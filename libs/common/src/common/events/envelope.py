"""CloudEvents 1.0 envelope (structured JSON mode) around versioned pydantic payloads.

An `EventContract` subclass is the payload of one event type on one topic. `encode` gives the Kafka
message (key = household id, so a household's events stay ordered in one partition); `decode` parses
and validates one, raising `BadEvent` with the reason for the dead-letter topic.
"""

import builtins
import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any, ClassVar

from cloudevents.core.bindings.kafka import KafkaMessage, from_structured, to_structured
from cloudevents.core.formats.json import JSONFormat
from cloudevents.core.v1.event import CloudEvent
from pydantic import BaseModel, ConfigDict, ValidationError

SCHEMA_BASE = "https://safetynet.example/schemas/"
_FORMAT = JSONFormat()


class Identifier:
    """Marks a field type as a plaintext personal identifier (`Annotated[str, IDENTIFIER, ...]`): outbox rows
    carrying one are encrypted, and stores of events (ledger) keep only its blind index."""


IDENTIFIER = Identifier()


class EventContract(BaseModel):
    """Base of every event payload. Subclasses set `topic` and `type`; only additive changes are allowed
    within a major version (a contract test enforces it). Unknown fields are refused: what a contract
    declares is all an event may carry."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    topic: ClassVar[str]
    type: ClassVar[str]
    # Derived from the field types marked IDENTIFIER, so a new identifier field cannot be forgotten here.
    pii_fields: ClassVar[tuple[str, ...]] = ()

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        cls.pii_fields = tuple(
            name for name, f in cls.model_fields.items() if any(isinstance(m, Identifier) for m in f.metadata)
        )

    @classmethod
    def dataschema(cls) -> str:
        return f"{SCHEMA_BASE}{cls.topic}/{cls.type}.json"


class BadEvent(Exception):
    """An event that cannot be parsed or does not match its contract: it belongs in the DLQ."""


@dataclass(frozen=True)
class Envelope:
    id: str
    source: str
    type: str
    subject: str
    time: dt.datetime
    data: dict[str, Any]
    partition_key: str | None = None

    def payload(self, contract: builtins.type[EventContract]) -> Any:
        try:
            return contract.model_validate(self.data)
        except ValidationError as exc:
            raise BadEvent(f"{self.type}: payload does not match {contract.__name__}: {describe(exc)}") from None


def describe(exc: ValidationError) -> str:
    """Validation errors without the offending values: reasons travel to logs and DLQ headers."""
    return "; ".join(f"{'.'.join(map(str, e['loc'])) or 'event'}: {e['msg']}" for e in exc.errors(include_input=False))


def new_envelope(
    payload: EventContract,
    *,
    source: str,
    subject: str | uuid.UUID,
    event_id: uuid.UUID | None = None,
    time: dt.datetime | None = None,
) -> CloudEvent:
    return CloudEvent(
        attributes={
            "id": str(event_id or uuid.uuid4()),
            "source": source,
            "type": payload.type,
            "subject": str(subject),
            "time": time or dt.datetime.now(dt.UTC),
            "datacontenttype": "application/json",
            "dataschema": payload.dataschema(),
        },
        data=payload.model_dump(mode="json"),
    )


def encode(event: CloudEvent) -> KafkaMessage:
    return to_structured(event, _FORMAT, key_mapper=lambda e: e.get_subject())


def decode(value: bytes | None, key: bytes | None = None) -> Envelope:
    if not value:
        raise BadEvent("empty message")
    try:
        event = from_structured(KafkaMessage(headers={}, key=key, value=value), _FORMAT, CloudEvent)
        data = event.get_data()
        if not isinstance(data, dict):
            raise BadEvent("event data must be a JSON object")
        subject = event.get_subject()
        time = event.get_time()
        if not subject or time is None:
            raise BadEvent("event must carry subject and time")
        return Envelope(
            id=event.get_id(),
            source=event.get_source(),
            type=event.get_type(),
            subject=subject,
            time=time,
            data=data,
            partition_key=key.decode() if key else None,
        )
    except BadEvent:
        raise
    except Exception as exc:  # the library raises several unrelated types for malformed input
        raise BadEvent(f"not a CloudEvents 1.0 structured JSON event: {exc.__class__.__name__}: {exc}") from exc
