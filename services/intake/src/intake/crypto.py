from intake.config import settings

cipher = settings.pii_cipher()
NAME_FIELD = "name"  # the associated data of names' ciphertexts (a ciphertext cannot move to another column)
