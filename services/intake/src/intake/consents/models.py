import datetime as dt
import uuid

from sqlalchemy import Date, DateTime, ForeignKey, String
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import Mapped, mapped_column

from common.db import stamped
from intake.schema import Base


class Consent(Base):
    """The commitment and authorization letter (农户承诺授权书). Never edited: revocation is its own row."""

    __tablename__ = "consents"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    household_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("households.id"), index=True)
    region_code: Mapped[str] = mapped_column(String(12))
    scopes: Mapped[list[str]] = mapped_column(ARRAY(String(40)))
    signer_member_ids: Mapped[list[str]] = mapped_column(JSONB)
    evidence_kind: Mapped[str] = mapped_column(String(20))
    evidence_sha256: Mapped[str] = mapped_column(String(64))
    evidence_reference: Mapped[str | None] = mapped_column(String(300))
    channel: Mapped[str] = mapped_column(String(30))
    signed_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    expires_on: Mapped[dt.date] = mapped_column(Date)
    recorded_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = stamped()


class ConsentRevocation(Base):
    __tablename__ = "consent_revocations"

    consent_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("consents.id"), primary_key=True)
    revoked_at: Mapped[dt.datetime] = stamped()
    reason: Mapped[str] = mapped_column(String(500))
    revoked_by: Mapped[str] = mapped_column(String(200))
