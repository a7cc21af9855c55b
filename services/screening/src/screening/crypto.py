from screening.config import settings

cipher = settings.pii_cipher()
