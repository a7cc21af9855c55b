from typing import ClassVar

from common.settings import CommonSettings


class AssistanceSettings(CommonSettings):
    # Assistance never sees an identifier (households by id and number): it holds no personal-data key.
    pii_keys: ClassVar[tuple[str, ...]] = ()
    service_name: str = "assistance"


settings = AssistanceSettings()
