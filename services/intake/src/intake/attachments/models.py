"""Attachments of a case's steps: the files that prove them."""

import uuid

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from common.attachments import AttachmentColumns
from intake.schema import Base


class CaseAttachment(AttachmentColumns, Base):
    """A file that proves a step of the identification (the signed commitment, the village meeting's minutes,
    a photo of the house, a certificate), kept by its SHA-256 (common.attachments); never deleted."""

    __tablename__ = "case_attachments"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id"), index=True)
    step: Mapped[str] = mapped_column(String(40))  # the procedure step it proves (village_review, ...)
