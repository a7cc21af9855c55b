from common.settings import CommonSettings


class IntakeSettings(CommonSettings):
    """Intake's settings. What a jurisdiction decides (the notice's length, how long a consent holds, who
    signs it) is in its policy pack, not here."""

    service_name: str = "intake"


settings = IntakeSettings()
