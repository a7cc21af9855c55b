"""The assistance schema: its declarative base and the messaging tables that live beside its data."""

from sqlalchemy.orm import DeclarativeBase

from common.calendar_replica import CalendarReplica
from common.db import schema_metadata
from common.messaging.outbox import Outbox
from common.messaging.tables import idempotency_table, inbox_table


class Base(DeclarativeBase):
    metadata = schema_metadata("assistance")


outbox = Outbox(Base.metadata, source="/safetynet/assistance")
inbox = inbox_table(Base.metadata)
idempotency = idempotency_table(Base.metadata)
calendar = CalendarReplica(Base.metadata)  # working days, as intake's ops load them (ADR 0004)
