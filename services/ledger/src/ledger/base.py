"""The ledger schema: its declarative base and the messaging tables that live beside its data."""

from common.db import make_base
from common.messaging.outbox import Outbox
from common.messaging.tables import idempotency_table, inbox_table

Base = make_base("ledger")
outbox = Outbox(Base.metadata, source="/safetynet/ledger")
inbox = inbox_table(Base.metadata)
idempotency = idempotency_table(Base.metadata)
