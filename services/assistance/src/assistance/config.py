from typing import ClassVar

from common.settings import CommonSettings


class AssistanceSettings(CommonSettings):
    # Assistance never sees an identifier (households by id and number): it holds no encryption key, only the
    # blind-index key, so that a number typed into a plan's note arrives as its pseudonym (common.free_text).
    pii_keys: ClassVar[tuple[str, ...]] = ("blind_index_key",)
    service_name: str = "assistance"


settings = AssistanceSettings()
