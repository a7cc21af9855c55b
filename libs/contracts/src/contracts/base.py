"""What every contract is: a frozen pydantic model of one event type on one topic, and the markers a
field's type may carry. Markers are data: what they mean at run time (an identifier's check digit and
birthplace, a date against today in China Standard Time) is applied by the code that reads events
(`common.events.envelope.validate`), so that this package needs nothing but pydantic."""

from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema

SCHEMA_BASE = "https://safetynet.example/schemas/"
IDENTIFIER_KEYWORD = "x-identifier"


class NotAfterToday:
    """Marks a date field (`Annotated[dt.date, NOT_AFTER_TODAY]`): a record of the past, never of tomorrow."""


class ResidentIdNumber:
    """Marks a resident ID number (GB 11643): its check digit, birth date and birthplace are checked."""


NOT_AFTER_TODAY = NotAfterToday()
RESIDENT_ID = ResidentIdNumber()


class Identifier:
    """Marks a field type as a plaintext personal identifier (`Annotated[str, IDENTIFIER, ...]`): outbox rows
    carrying one are encrypted, and stores of events (ledger) keep only its blind index. The schema says so
    (`x-identifier`): a REST body's identifier fields are the only ones whose numbers reach the service in
    clear (ADR 0025); in any other field they arrive as their pseudonyms."""

    def __get_pydantic_json_schema__(self, core: CoreSchema, handler: GetJsonSchemaHandler) -> JsonSchemaValue:
        schema = handler(core)
        return {**schema, IDENTIFIER_KEYWORD: True}


IDENTIFIER = Identifier()


class Invalid(ValueError):
    """A validator's refusal in both languages: English for programs and logs, Chinese for the people who
    read it (`common.messages.message_zh`)."""

    def __init__(self, message: str, zh: str) -> None:
        super().__init__(message)
        self.zh = zh


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
