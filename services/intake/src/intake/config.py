from pydantic import Field

from common.settings import CommonSettings


class IntakeSettings(CommonSettings):
    service_name: str = "intake"
    notice_working_days: int = Field(5, ge=1, le=30, description="public notice length (公示期)")
    consent_validity_days: int = Field(365, ge=1)
    # Jurisdictions (region prefixes) where every adult member must sign the commitment, not only the head.
    consent_all_adults_prefixes: list[str] = Field(default_factory=list)


settings = IntakeSettings()
