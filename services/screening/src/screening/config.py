from decimal import Decimal

from pydantic import Field

from common.settings import CommonSettings


class ScreeningSettings(CommonSettings):
    service_name: str = "screening"
    large_deposit_threshold: Decimal = Field(Decimal(100_000), ge=0, description="negative list: large deposits")
    alert_verification_working_days: int = Field(10, ge=1, le=60, description="grassroots verification deadline")


settings = ScreeningSettings()
