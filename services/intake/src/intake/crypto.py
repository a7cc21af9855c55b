from intake.config import settings

cipher = settings.pii_cipher()
