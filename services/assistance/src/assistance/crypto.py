from assistance.config import settings

# The blind-index key only: what other systems write is kept with its numbers as pseudonyms (common.free_text).
cipher = settings.pii_cipher()
