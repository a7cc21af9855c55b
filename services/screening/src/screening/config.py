from decimal import Decimal

from pydantic import Field

from common.settings import CommonSettings


class ScreeningSettings(CommonSettings):
    service_name: str = "screening"
    large_deposit_threshold: Decimal = Field(Decimal(100_000), ge=0, description="negative list: large deposits")
    regional_window_days: int = Field(30, ge=1, le=365)
    regional_spike_factor: float = Field(2.0, gt=1)
    regional_spike_min_alerts: int = Field(5, ge=1)
    regional_min_households: int = Field(50, ge=1, description="below this, a share says little")
    monitored_share_ceiling: float = Field(0.10, gt=0, lt=1)
    monitored_share_floor: float = Field(0.01, ge=0, lt=1)
    alert_verification_working_days: int = Field(10, ge=1, le=60, description="grassroots verification deadline")


settings = ScreeningSettings()
