from common.pii import PiiCipher
from ledger.config import settings

cipher = PiiCipher(settings.pii_encryption_key, settings.blind_index_key)
