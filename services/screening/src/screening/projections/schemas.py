"""What the registry route answers."""

import uuid

from pydantic import BaseModel


class KnownHouseholdPublic(BaseModel):
    household_id: uuid.UUID
    region_code: str
    version: int
    active_members: int
