from pydantic import Field

from common.settings import CommonSettings


class ScreeningSettings(CommonSettings):
    service_name: str = "screening"
    regional_window_days: int = Field(30, ge=1, le=365)
    regional_spike_factor: float = Field(2.0, gt=1)
    regional_spike_min_alerts: int = Field(5, ge=1)
    regional_min_households: int = Field(50, ge=1, description="below this, a share says little")


settings = ScreeningSettings()
