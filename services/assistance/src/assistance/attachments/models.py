"""Attachments: the files that prove a measure's progress."""

import uuid

from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from assistance.schema import Base
from common.attachments import AttachmentColumns


class Attachment(AttachmentColumns, Base):
    """A file that proves a measure's progress (a receipt, a photo of the repaired house, a certificate),
    kept by its SHA-256 (common.attachments); never deleted."""

    __tablename__ = "attachments"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    plan_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("plans.id"), index=True)
    measure_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("plan_measures.id"), index=True)
