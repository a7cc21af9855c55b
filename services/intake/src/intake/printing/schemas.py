import uuid
from typing import Literal

from pydantic import BaseModel, Field

from common.access_audit import PERSONAL

# What the printed paper is: a notice posted in the village (公示), or a form filed with the township or the
# county (核查表、验收表、审定批复、信息采集表). See ADR 0014, "Names and ID numbers on paper".
Use = Literal["notice", "filed"]


class PrintedHead(BaseModel):
    """A household's head as a printed form shows them."""

    household_id: uuid.UUID
    household_no: str
    head_name: str = Field(json_schema_extra=PERSONAL)
    # A notice posted in public shows the masked number; a filed form the full one, to an officer who may see
    # it (township and county, ADR 0011); the masked one to anyone else.
    head_resident_id: str = Field(json_schema_extra=PERSONAL)
    resident_id_masked: bool
