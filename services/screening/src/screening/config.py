from common.settings import CommonSettings


class ScreeningSettings(CommonSettings):
    service_name: str = "screening"


settings = ScreeningSettings()
