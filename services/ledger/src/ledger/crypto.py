from ledger.config import settings

cipher = settings.pii_cipher()
