from typing import Annotated

from pydantic import Field, field_validator
from pydantic_settings import NoDecode

from common.settings import CommonSettings
from contracts.dept import DEPT_CONTRACTS


class IntakeSettings(CommonSettings):
    """Intake's settings. What a jurisdiction decides (the notice's length, how long a consent holds, who
    signs it) is in its policy pack, not here."""

    service_name: str = "intake"
    # The hosts the registry gateway's `notify` messages may go to (REGISTRY_NOTIFY_HOSTS, comma-separated):
    # a subscriber names its URI, so in production this keeps the service from being sent anywhere else.
    # Empty: any host (development).
    registry_notify_hosts: Annotated[list[str], NoDecode] = Field(default_factory=list)
    registry_notify_timeout_s: float = 10.0
    # The departments entitled to the resident IDs of the households on their lists (DEPARTMENT_IDENTIFIERS,
    # comma-separated): by default those whose records are keyed by resident ID (the department feeds).
    department_identifiers: Annotated[list[str], NoDecode] = Field(default_factory=lambda: list(DEPT_CONTRACTS))

    @field_validator("registry_notify_hosts", "department_identifiers", mode="before")
    @classmethod
    def _hosts(cls, v: object) -> object:
        return [h.strip() for h in v.split(",") if h.strip()] if isinstance(v, str) else v


settings = IntakeSettings()
