from ipaddress import IPv4Network, IPv6Network, ip_address, ip_network
from typing import Annotated

from pydantic import Field, field_validator
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

    @property
    def registry_notify_networks(self) -> list[IPv4Network | IPv6Network]:
        return [ip_network(a, strict=False) for a in self.registry_notify_addresses]


settings = IntakeSettings()
