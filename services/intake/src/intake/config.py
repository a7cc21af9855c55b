import base64
import binascii
import json
from ipaddress import IPv4Network, IPv6Network, ip_address, ip_network
from pathlib import Path
from typing import Annotated, Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import load_pem_private_key
from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import NoDecode

from common.settings import CommonSettings
from contracts.dept import DEPT_CONTRACTS


def canonical_host(host: str) -> str:
    """A host as the notify allow-list compares it: a name in lower case without its final dot, an address
    literal as `ipaddress` writes it (`::ffff:127.0.0.1` and `::ffff:7f00:1` are one)."""
    host = host.strip().strip("[]").lower().rstrip(".")
    try:
        return str(ip_address(host))
    except ValueError:
        return host


class IntakeSettings(CommonSettings):
    """Intake's settings. What a jurisdiction decides (the notice's length, how long a consent holds, who
    signs it) is in its policy pack, not here."""

    service_name: str = "intake"
    # IMPORT_MAX_BYTES: the largest import file taken (a county of 300,000 households exports about 120 MB
    # of CSV); a local default, no document states one.
    import_max_bytes: int = Field(512 * 1024**2, ge=1024)
    # IMPORT_BATCH: households applied per transaction (COPY); a local default.
    import_batch: int = Field(1000, ge=1, le=20_000)
    # A workbook is judged by what it would expand to before openpyxl reads it (common.workbook, the limits
    # screening's uploads have, local defaults): a county's 300,000 households are 600,000 member rows, and
    # a sheet holds at most 1,048,576.
    xlsx_max_members: int = Field(1000, ge=10)
    xlsx_max_uncompressed_bytes: int = Field(1024**3, ge=1024)
    xlsx_max_member_bytes: int = Field(1024**3, ge=1024)
    xlsx_max_ratio: int = Field(100, ge=2)
    xlsx_max_rows: int = Field(1_048_576, ge=1)
    xlsx_max_shared_strings_bytes: int = Field(256 * 1024**2, ge=1024)
    xlsx_max_shared_strings: int = Field(4_000_000, ge=1)
    # IMPORT_WORKER: false keeps this replica from running imports (they run on the replicas where it is true).
    import_worker: bool = True
    # Where the registry gateway's `notify` messages may go (intake/registry/targets.py): a subscriber names its
    # URI, and intake posts households' data there from inside the network, so nothing is allowed by default.
    # REGISTRY_NOTIFY_HOSTS (comma-separated): the host names a notify URI may have; empty, none.
    registry_notify_hosts: Annotated[list[str], NoDecode] = Field(default_factory=list)
    # REGISTRY_NOTIFY_ADDRESSES (comma-separated addresses or networks): internal addresses a target may
    # resolve to nevertheless (a registry on the intranet, 10.20.0.0/16); the others are refused.
    registry_notify_addresses: Annotated[list[str], NoDecode] = Field(default_factory=list)
    # Plain http to the targets (REGISTRY_NOTIFY_HTTP): always allowed in development, elsewhere only if set.
    registry_notify_http: bool = False
    registry_notify_timeout_s: float = 10.0
    # The departments entitled to the resident IDs of the households on their lists (DEPARTMENT_IDENTIFIERS,
    # comma-separated): by default those whose records are keyed by resident ID (the department feeds).
    department_identifiers: Annotated[list[str], NoDecode] = Field(default_factory=lambda: list(DEPT_CONTRACTS))
    # DCI message signatures (intake/registry/signing.py, ADR 0020). Intake's Ed25519 private key: REGISTRY_SIGNING_KEY
    # (its 32-byte seed in base64, as LEDGER_SIGNING_KEY; or PEM), or a PEM file REGISTRY_SIGNING_KEY_FILE read at
    # start. Required in production; unset in development or tests, a key of the process's own (the devkit's
    # runtime writes one under its data dir).
    registry_signing_key: SecretStr | None = None
    registry_signing_key_file: str | None = None
    # The registries that may send to the gateway and their public keys, an allow-list (empty: none):
    # REGISTRY_SENDER_KEYS (JSON) or the file REGISTRY_SENDER_KEYS_FILE, {"<sender_id>": [<Ed25519 JWK>, ...]},
    # each JWK with its `kid` (a sender's published JWKS); two keys of one sender while it rotates.
    registry_sender_keys: Annotated[dict[str, list[dict[str, Any]]], NoDecode] = Field(default_factory=dict)
    registry_sender_keys_file: str | None = None
    # Unsigned messages refused (REGISTRY_SIGNATURES_REQUIRED); unset: refused everywhere but in development.
    # A signature that is present is verified whatever this says.
    registry_signatures_required: bool | None = None

    @field_validator("registry_notify_hosts", "registry_notify_addresses", "department_identifiers", mode="before")
    @classmethod
    def _hosts(cls, v: object) -> object:
        return [h.strip() for h in v.split(",") if h.strip()] if isinstance(v, str) else v

    @field_validator("registry_notify_hosts", mode="after")
    @classmethod
    def _names(cls, v: list[str]) -> list[str]:
        return [canonical_host(h) for h in v]

    @field_validator("registry_notify_addresses", mode="after")
    @classmethod
    def _networks(cls, v: list[str]) -> list[str]:
        for a in v:
            ip_network(a, strict=False)  # a typo refuses to start rather than allowing something else
        return v

    @field_validator("registry_sender_keys", mode="before")
    @classmethod
    def _sender_keys_json(cls, v: object) -> object:
        return json.loads(v) if isinstance(v, str) and v.strip() else ({} if isinstance(v, str) else v)

    @model_validator(mode="after")
    def _registry_keys(self) -> "IntakeSettings":
        if self.registry_signing_key_file and self.registry_signing_key is None:
            self.registry_signing_key = SecretStr(_read(self.registry_signing_key_file, "REGISTRY_SIGNING_KEY_FILE"))
        if self.registry_signing_key is not None:
            self.registry_private_key  # noqa: B018 (a key that does not parse stops the start)
        if self.registry_sender_keys_file and not self.registry_sender_keys:
            text = _read(self.registry_sender_keys_file, "REGISTRY_SENDER_KEYS_FILE")
            self.registry_sender_keys = json.loads(text) if text.strip() else {}
        for sender, keys in self.registry_sender_keys.items():
            for jwk in keys:
                # A typo refuses to start rather than leaving a registry unable to send; a private part
                # ("d") does not belong in a list of public keys.
                if jwk.get("kty") != "OKP" or jwk.get("crv") != "Ed25519" or not jwk.get("kid") or "d" in jwk:
                    raise ValueError(f"REGISTRY_SENDER_KEYS[{sender!r}]: each key is a public Ed25519 JWK with a kid")
        if self.registry_signatures_required is None:
            self.registry_signatures_required = self.environment != "development"
        if self.environment == "production" and self.registry_signing_key is None:
            raise ValueError("REGISTRY_SIGNING_KEY (or REGISTRY_SIGNING_KEY_FILE) must be set outside development")
        return self

    @property
    def registry_private_key(self) -> Ed25519PrivateKey | None:
        if self.registry_signing_key is None:
            return None
        text = self.registry_signing_key.get_secret_value().strip()
        try:
            key = (
                load_pem_private_key(text.encode(), password=None)
                if text.startswith("-----BEGIN")
                else Ed25519PrivateKey.from_private_bytes(base64.b64decode(text, validate=True))
            )
        except (ValueError, TypeError, binascii.Error) as e:
            raise ValueError("REGISTRY_SIGNING_KEY is neither a PEM private key nor a base64 32-byte seed") from e
        if not isinstance(key, Ed25519PrivateKey):
            raise ValueError("REGISTRY_SIGNING_KEY must be an Ed25519 key (openssl genpkey -algorithm ed25519)")
        return key

    @property
    def registry_notify_networks(self) -> list[IPv4Network | IPv6Network]:
        return [ip_network(a, strict=False) for a in self.registry_notify_addresses]


def _read(path: str, name: str) -> str:
    if not Path(path).is_file():
        raise ValueError(f"{name} {path} is not a file")
    return Path(path).read_text()


settings = IntakeSettings()
