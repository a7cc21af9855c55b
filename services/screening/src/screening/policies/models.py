import datetime as dt
import uuid
from decimal import Decimal

from sqlalchemy import Date, Index, Integer, Numeric, SmallInteger, String, Text, text
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import Mapped, mapped_column

from common.db import stamped
from screening.schema import Base

MONEY = Numeric(14, 2)
RATIO = Numeric(6, 4)


class Policy(Base):
    """One version of a jurisdiction's policy pack for a year. Versions are never edited: a change is a new
    version with its own effective date. `pack` is the whole of it (contracts.policy.PackValues); the
    threshold columns repeat its figures for the rows' readers in SQL (and hold those of rows older than
    packs)."""

    __tablename__ = "policies"
    __table_args__ = (
        Index("ix_policies_jurisdiction_year_version", "jurisdiction", "year", "version", unique=True),
        Index("ix_policies_year_prefix", "year", "region_prefix"),
        Index("ix_policies_prefixes", "prefixes", postgresql_using="gin"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    jurisdiction: Mapped[str] = mapped_column(String(40))
    jurisdiction_name: Mapped[str] = mapped_column(String(200))
    level: Mapped[str] = mapped_column(String(20))
    # The region prefixes the pack governs; the national pack's is the empty prefix, which every region has.
    prefixes: Mapped[list[str]] = mapped_column(ARRAY(String(12)))
    region_prefix: Mapped[str] = mapped_column(String(12))  # the common prefix of `prefixes`, for listing
    year: Mapped[int] = mapped_column(Integer)
    valid_through: Mapped[int | None] = mapped_column(Integer)  # the last year the document governs
    version: Mapped[int] = mapped_column(Integer)
    effective_from: Mapped[dt.date] = mapped_column(Date)
    name: Mapped[str] = mapped_column(String(200))
    source: Mapped[str] = mapped_column(Text)
    pack: Mapped[dict] = mapped_column(JSONB)
    monitoring_line: Mapped[Decimal | None] = mapped_column(MONEY)
    rigid_expense_ratio: Mapped[Decimal] = mapped_column(RATIO)
    income_drop_ratio: Mapped[Decimal] = mapped_column(RATIO)
    medical_oop_threshold: Mapped[Decimal] = mapped_column(MONEY)
    medical_oop_income_share: Mapped[Decimal] = mapped_column(RATIO)
    rules: Mapped[dict] = mapped_column(JSONB)
    # Which year's income a screening year judges: 0 the same year's, -1 the previous year's.
    income_year_offset: Mapped[int] = mapped_column(SmallInteger, server_default=text("0"))
    # Where each value of the pack comes from (a document, its article and words), by value path; one
    # without is a local default.
    value_sources: Mapped[dict] = mapped_column(JSONB, server_default=text("'{}'::jsonb"))
    # A version published from a shipped pack file: the file's name and its content as read ({"file",
    # "body"}), what the next start compares the file with (policies/seeds.py).
    shipped: Mapped[dict | None] = mapped_column(JSONB)
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = stamped()


class RescreenJob(Base):
    """Re-screening of a policy's households, created with the policy version and worked through in chunks;
    `after_household` is the resume point, so a restart goes on where it stopped."""

    __tablename__ = "rescreen_jobs"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    policy_id: Mapped[uuid.UUID] = mapped_column(unique=True)
    region_prefix: Mapped[str] = mapped_column(String(12))
    year: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(20))
    total: Mapped[int] = mapped_column(Integer)
    processed: Mapped[int] = mapped_column(Integer, server_default="0")
    after_household: Mapped[uuid.UUID | None] = mapped_column()
    created_at: Mapped[dt.datetime] = stamped()
    updated_at: Mapped[dt.datetime] = stamped()
