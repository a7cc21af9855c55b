from common.settings import CommonSettings


class AssistanceSettings(CommonSettings):
    service_name: str = "assistance"


settings = AssistanceSettings()
