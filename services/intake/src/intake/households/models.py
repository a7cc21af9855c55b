import datetime as dt
import uuid
from decimal import Decimal

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    Numeric,
    String,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column, relationship

from common.db import stamped
from common.pii import mask_name
from intake.crypto import NAME_FIELD, cipher
from intake.schema import Base

MONEY = Numeric(14, 2)


class Household(Base):
    __tablename__ = "households"
    __table_args__ = (
        Index(None, "region_code", "household_no", unique=True),
        Index("ix_households_region_prefix", "region_code", postgresql_ops={"region_code": "text_pattern_ops"}),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    region_code: Mapped[str] = mapped_column(String(12))
    household_no: Mapped[str] = mapped_column(String(40))
    address: Mapped[str] = mapped_column(String(300))
    category: Mapped[str] = mapped_column(String(20))
    # registered -> monitored -> eliminated (-> monitored again); maintained from cases and assistance events
    status: Mapped[str] = mapped_column(String(20), server_default="registered")
    # From assistance's events: plan_drafted | assisted | excluded | eliminated (None: never had a plan).
    assistance_status: Mapped[str | None] = mapped_column(String(20))
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = stamped()
    updated_at: Mapped[dt.datetime] = stamped()

    members: Mapped[list["Member"]] = relationship(lazy="raise", order_by="Member.position")


class HouseholdNumber(Base):
    """The last sequence number a village gave a household (户编号 = the village's 12-digit code and the
    sequence, 5325041020010001): a number a cadre reads aloud and quotes, kept for the household's life."""

    __tablename__ = "household_numbers"

    region_code: Mapped[str] = mapped_column(String(12), primary_key=True)
    last: Mapped[int] = mapped_column(Integer)


class Member(Base):
    __tablename__ = "members"
    __table_args__ = (
        # A resident ID belongs to one household at a time.
        Index("uq_members_active_id_index", "id_index", unique=True, postgresql_where=text("active")),
        CheckConstraint("disability_grade BETWEEN 1 AND 4", name="disability_grade"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    household_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("households.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    # Names are personal information under PIPL: encrypted at rest like identifiers (ADR 0011), masked in
    # lists; `name` decrypts, for the audited reads that show it.
    name_cipher: Mapped[bytes] = mapped_column(LargeBinary)
    name_masked: Mapped[str] = mapped_column(String(100))
    id_cipher: Mapped[bytes] = mapped_column(LargeBinary)
    id_index: Mapped[str] = mapped_column(String(64), index=True)
    id_masked: Mapped[str] = mapped_column(String(18))
    relation: Mapped[str] = mapped_column(String(20))
    sex: Mapped[str] = mapped_column(String(6))
    birth_date: Mapped[dt.date] = mapped_column(Date)
    labour_capacity: Mapped[str] = mapped_column(String(10))
    health: Mapped[str] = mapped_column(String(20))
    disability_category: Mapped[str | None] = mapped_column(String(20))
    disability_grade: Mapped[int | None] = mapped_column(Integer)
    schooling: Mapped[str | None] = mapped_column(String(20))
    phone_cipher: Mapped[bytes | None] = mapped_column(LargeBinary)
    phone_masked: Mapped[str | None] = mapped_column(String(16))
    active: Mapped[bool] = mapped_column(server_default=text("true"))

    @property
    def name(self) -> str:
        return cipher.decrypt(self.name_cipher, NAME_FIELD)

    @name.setter
    def name(self, value: str) -> None:
        self.name_cipher, self.name_masked = name_columns(value)


def name_columns(value: str) -> tuple[bytes, str]:
    """A name as it is kept: encrypted, and masked for lists."""
    return cipher.encrypt(value, NAME_FIELD), mask_name(value)


class HouseholdRevision(Base):
    """Append-only history: every version of a household, with who changed what (no plaintext PII)."""

    __tablename__ = "household_revisions"
    __table_args__ = (Index(None, "household_id", "version", unique=True),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    household_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("households.id"))
    version: Mapped[int] = mapped_column(Integer)
    changed_by: Mapped[str] = mapped_column(String(200))
    changed_at: Mapped[dt.datetime] = stamped()
    reason: Mapped[str | None] = mapped_column(String(500))
    snapshot: Mapped[dict] = mapped_column(JSONB)


class IncomeRecord(Base):
    """A year's income and rigid expenditure; a later revision supersedes, none is overwritten."""

    __tablename__ = "income_records"
    __table_args__ = (Index(None, "household_id", "year", "revision", unique=True),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    household_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("households.id"))
    year: Mapped[int] = mapped_column(Integer)
    revision: Mapped[int] = mapped_column(Integer)
    members_count: Mapped[int] = mapped_column(Integer)
    wages: Mapped[Decimal] = mapped_column(MONEY)
    production: Mapped[Decimal] = mapped_column(MONEY)
    property: Mapped[Decimal] = mapped_column(MONEY)
    transfers: Mapped[Decimal] = mapped_column(MONEY)
    medical_expense: Mapped[Decimal] = mapped_column(MONEY)
    schooling_expense: Mapped[Decimal] = mapped_column(MONEY)
    other_rigid_expense: Mapped[Decimal] = mapped_column(MONEY)
    per_capita_net_income: Mapped[Decimal] = mapped_column(MONEY)
    recorded_by: Mapped[str] = mapped_column(String(200))
    recorded_at: Mapped[dt.datetime] = stamped()
