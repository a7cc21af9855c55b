"""Access to personal data, published by every service that reads it (recorded by ledger)."""

import datetime as dt
import uuid
from typing import ClassVar

from pydantic import Field

from contracts.base import EventContract

ACCESS_TOPIC = "audit.access.v1"


class PersonalDataAccessedV1(EventContract):
    """Someone read a household's personal data (detail, unmasked ID, archive or export)."""

    topic: ClassVar[str] = ACCESS_TOPIC
    type: ClassVar[str] = "audit.access.recorded"
    household_id: uuid.UUID
    region_code: str
    actor: str
    actor_role: str
    actor_region: str
    # The reader's name where the login carries one (the dossier's access log shows it with the post).
    actor_name: str | None = Field(None, max_length=100)
    what: str
    purpose: str
    service: str
    accessed_at: dt.datetime
