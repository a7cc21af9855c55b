from pydantic import Field

from common.settings import CommonSettings


class ScreeningSettings(CommonSettings):
    service_name: str = "screening"
    alert_verification_working_days: int = Field(10, ge=1, le=60, description="grassroots verification deadline")


settings = ScreeningSettings()
