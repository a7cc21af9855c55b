import base64
from typing import ClassVar

from pydantic import Field, model_validator

from common.settings import CommonSettings

# Development only (refused in production): the checkpoint signing key's 32-byte Ed25519 seed.
DEV_SIGNING_KEY = base64.b64encode(b"dev-only-ledger-signing-seed-32b").decode()


class LedgerSettings(CommonSettings):
    # Identifiers reach the log only as their blind index: the ledger holds the index key, never the other.
    pii_keys: ClassVar[tuple[str, ...]] = ("blind_index_key",)
    service_name: str = "ledger"
    ledger_signing_key: str = DEV_SIGNING_KEY
    checkpoint_interval_s: float = 60.0
    # The log's name: the first line of every checkpoint and the name of its signing key (c2sp.org/signed-note:
    # no spaces, no '+'). One per deployment, e.g. the county's domain and "/ledger".
    ledger_origin: str = Field("safetynet.example/ledger", pattern=r"^[^\s+]{1,200}$")
    # Intake, where the heads' names and ID numbers a printed form shows are read (ADR 0014): the one address
    # the ledger calls out to. Unset: the forms leave those boxes to be written by hand.
    intake_url: str | None = Field(None, pattern=r"^https?://[A-Za-z0-9.\-]+(:\d{1,5})?/?$")
    intake_timeout_s: float = Field(10.0, gt=0, le=60)

    # Counties' own form templates (a mounted directory a county's office edits), searched before the shipped
    # ones: a pack's `paperwork.templates` names a file here (ADR 0026). Empty: the shipped templates only.
    form_templates_dir: str = ""

    @model_validator(mode="after")
    def _refuse_dev_key(self) -> "LedgerSettings":
        if self.environment == "production" and self.ledger_signing_key == DEV_SIGNING_KEY:
            raise ValueError("LEDGER_SIGNING_KEY must be set outside development")
        return self


settings = LedgerSettings()
