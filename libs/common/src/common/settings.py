"""Configuration shared by every service, read from the environment (12-factor).

Each service subclasses `CommonSettings` in its own `config.py` and instantiates it once there.
"""

import base64
import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, ClassVar, Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

if TYPE_CHECKING:
    from common.pii import PiiCipher

# Development defaults: usable on a laptop, refused anywhere else (see `_refuse_dev_secrets`).
DEV_JWT_SECRET = "dev-only-jwt-secret-change-me-0123456789abcdef"  # noqa: S105
DEV_PII_KEY = base64.b64encode(b"dev-only-pii-encryption-key-32b!").decode()
DEV_BLIND_INDEX_KEY = base64.b64encode(b"dev-only-blind-index-hmac-key-32").decode()


class CommonSettings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    environment: Literal["development", "test", "production"] = "development"
    service_name: str = "safetynet"
    log_level: str = "INFO"
    # json for a log collector, console for a developer; auto: console in development, json elsewhere.
    log_format: Literal["auto", "json", "console"] = "auto"
    # Where traces are sent (OTLP over HTTP, e.g. http://otel-collector:4318/v1/traces); unset: not exported.
    otel_exporter_otlp_endpoint: str | None = None

    @property
    def json_logs(self) -> bool:
        return self.log_format == "json" or (self.log_format == "auto" and self.environment != "development")

    # Unset means "embedded": the runner starts PostgreSQL and the broker itself.
    database_url: str | None = None
    db_pool_size: int = Field(10, ge=1, le=200)
    kafka_bootstrap_servers: str | None = None
    kafka_client_id: str | None = None
    # Partitions of the topics a service creates when they are missing: how many replicas of a consumer can
    # share a topic. Department feeds carry the volume (12 by default); the rest, 3. An existing topic is not
    # changed (adding partitions moves keys to other partitions: ops raise it with producers drained).
    topic_partitions: int = Field(3, ge=1, le=1000)
    dept_topic_partitions: int = Field(12, ge=1, le=1000)
    topic_replication: int = Field(1, ge=1, le=7, description="the replication factor of created topics")

    run_workers: bool = True
    # False where `python -m common.migrations <service>` runs them as the schema's owner (the pod's init
    # container, a compose job): the service then waits, saying so, for its schema to reach the head revision,
    # up to SCHEMA_WAIT_S, and refuses to start on an older one.
    run_migrations: bool = True
    schema_wait_s: float = Field(600, ge=0, le=86400)
    # Request bodies: JSON requests are small; department bulk files are streamed under their own limit.
    max_body_bytes: int = Field(1_048_576, ge=1024)
    max_upload_bytes: int = Field(4 * 1024**3, ge=1024)
    # What a service keeps on its own disk goes under this directory: `safetynet run --data-dir` gives its
    # services the one it was given (SAFETYNET_DATA_DIR, the name the CLI reads too).
    safetynet_data_dir: str = ".data"
    # Evidence attachments (photos, signed forms, certificates): stored by content hash under this directory.
    # Unset: `attachments` under the data directory.
    attachments_dir: str = ""
    # An S3-compatible object store for attachments instead of the directory (ATTACHMENTS_S3_BUCKET set):
    # the endpoint of a store on the intranet (MinIO, Ceph, a cloud's OSS), its region and credentials.
    attachments_s3_bucket: str | None = None
    attachments_s3_endpoint: str | None = None
    attachments_s3_region: str = "cn-north-1"
    attachments_s3_access_key: str | None = None
    attachments_s3_secret_key: SecretStr | None = None
    max_attachment_bytes: int = Field(20 * 1024**2, ge=1024, le=512 * 1024**2)
    outbox_batch_size: int = Field(500, ge=1, le=10_000)
    outbox_poll_interval_s: float = Field(0.05, gt=0, le=10)
    outbox_lease_s: float = Field(30.0, gt=0)
    outbox_linger_s: float = Field(0.02, ge=0, le=1, description="batching delay after a wake-up")
    # A consumer held this long on one batch (a database away, a dead-letter topic refusing) is not ready.
    consumer_stall_s: float = Field(60.0, gt=0, le=3600)
    # The largest message a consumer republishes to its dead-letter topic; a larger one (or one the broker
    # refuses) is kept in the service's dead_letters table instead.
    dlq_max_bytes: int = Field(16 * 1024**2, ge=1024, le=256 * 1024**2)

    jwt_algorithm: Literal["HS256", "RS256", "ES256", "EdDSA"] = "HS256"
    jwt_secret: str = DEV_JWT_SECRET
    jwt_public_key: str | None = None
    # The public key (PEM) in a file instead: an intranet without an identity provider mounts its token issuer's
    # public key (docs/identity.md, "Without an identity provider"); read at start into JWT_PUBLIC_KEY.
    jwt_public_key_file: str | None = None
    jwt_issuer: str = "safetynet-dev"
    jwt_audience: str = "safetynet"
    # The identity provider's keys, which rotate: its JWKS URL (fetched, cached for JWKS_CACHE_S, fetched again
    # at once for a key id it does not know). Set, it replaces JWT_PUBLIC_KEY.
    jwt_jwks_url: str | None = None
    jwks_cache_s: int = Field(300, ge=10, le=86400)
    jwks_refresh_cooldown_s: float = Field(30, ge=0, le=3600)
    # Where the provider's token carries what a Principal needs (a dotted path into the claims, e.g.
    # realm_access.roles), and how its role names map onto ours (JWT_ROLE_MAP, JSON: {"cadre": "village_cadre"}).
    # docs/identity.md lists them; the defaults are our own development tokens' claims.
    jwt_claim_role: str = "role"
    jwt_claim_region: str = "region"
    jwt_claim_regions: str = "regions"
    jwt_claim_household: str = "household_id"
    jwt_claim_department: str = "department"
    jwt_claim_name: str = "name"
    jwt_role_map: Annotated[dict[str, str], NoDecode] = Field(default_factory=dict)

    @field_validator("jwt_role_map", mode="before")
    @classmethod
    def _role_map(cls, v: object) -> object:
        """JSON in the environment; unset or empty, no mapping."""
        return (json.loads(v) if v.strip() else {}) if isinstance(v, str) else v

    pii_encryption_key: str = DEV_PII_KEY
    blind_index_key: str = DEV_BLIND_INDEX_KEY

    # The personal-data keys a service holds (each service's settings say): intake and screening encrypt
    # identifiers and index them; the ledger only indexes; assistance holds neither. A deployment gives each
    # service only its own.
    pii_keys: ClassVar[tuple[str, ...]] = ("pii_encryption_key", "blind_index_key")

    def pii_cipher(self) -> "PiiCipher":
        from common.pii import PiiCipher  # pii imports regions data: not needed to read settings

        if "pii_encryption_key" not in self.pii_keys:
            return PiiCipher.index_only(self.blind_index_key)
        return PiiCipher(self.pii_encryption_key, self.blind_index_key)

    @model_validator(mode="after")
    def _attachments_under_data_dir(self) -> "CommonSettings":
        if not self.attachments_dir:
            self.attachments_dir = str(Path(self.safetynet_data_dir) / "attachments")
        return self

    @model_validator(mode="after")
    def _public_key_from_file(self) -> "CommonSettings":
        if self.jwt_public_key_file and not self.jwt_public_key:
            path = Path(self.jwt_public_key_file)
            if not path.is_file():
                raise ValueError(f"JWT_PUBLIC_KEY_FILE {path} is not a file")
            self.jwt_public_key = path.read_text()
            # The issuer's private key never belongs on the servers: refuse it rather than verify with it.
            if "PUBLIC KEY-----" not in self.jwt_public_key or "PRIVATE KEY" in self.jwt_public_key:
                raise ValueError(f"JWT_PUBLIC_KEY_FILE {path} must hold a PEM public key, and only that")
        return self

    @model_validator(mode="after")
    def _refuse_dev_secrets(self) -> "CommonSettings":
        if self.environment == "production":
            if self.jwt_algorithm == "HS256" and self.jwt_secret == DEV_JWT_SECRET:
                raise ValueError("JWT_SECRET must be set outside development")
            if self.jwt_algorithm != "HS256" and not (self.jwt_public_key or self.jwt_jwks_url):
                raise ValueError(
                    "JWT_JWKS_URL (or JWT_PUBLIC_KEY, or JWT_PUBLIC_KEY_FILE) must be set for asymmetric JWT algorithms"
                )
            dev = {"pii_encryption_key": DEV_PII_KEY, "blind_index_key": DEV_BLIND_INDEX_KEY}
            unset = [k.upper() for k in self.pii_keys if getattr(self, k) == dev[k]]
            if unset:
                raise ValueError(f"{' and '.join(unset)} must be set outside development")
            if not self.database_url or not self.kafka_bootstrap_servers:
                raise ValueError("DATABASE_URL and KAFKA_BOOTSTRAP_SERVERS are required in production")
        return self
