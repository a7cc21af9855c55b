from common.pii import PiiCipher
from screening.config import settings

cipher = PiiCipher(settings.pii_encryption_key, settings.blind_index_key)
