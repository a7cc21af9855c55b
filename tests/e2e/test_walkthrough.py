"""The README's walkthrough, run as a reader would: `safetynet run` started on ports of its own, then
`bash docs/walkthrough.sh` against it, every date following today in Beijing time. `make test-dates` runs it
with the whole machine's clock moved, so a date that ages in it fails here first."""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from devkit.testing.fixtures import stop_process

ROOT = Path(__file__).resolve().parents[2]
SERVICES = ("INTAKE", "SCREENING", "ASSISTANCE", "LEDGER")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _ready(addresses: Path, deadline: float) -> dict[str, str]:
    while time.monotonic() < deadline:
        if addresses.exists():
            urls = dict(line.split("=", 1) for line in addresses.read_text().splitlines() if "=" in line)
            if len(urls) == len(SERVICES) and all(_answers(f"{url}/readyz") for url in urls.values()):
                return urls
        time.sleep(1)
    raise TimeoutError("the system did not become ready")


def _answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


@pytest.mark.runtime
@pytest.mark.real_clock
def test_the_walkthrough_completes_against_a_started_system(tmp_path: Path) -> None:
    data, out = tmp_path / "data", tmp_path / "out"
    data.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "KAFKA_BOOTSTRAP_SERVERS")}
    env |= {
        f"{name}_PORT": str(_free_port()) for name in (*SERVICES, "CONSOLE")
    }  # the console's too: 8005 may be taken
    env |= {"SAFETYNET_DATA_DIR": str(data), "OUT": str(out), "LOG_LEVEL": "WARNING"}
    log = (tmp_path / "run.log").open("w")
    run = subprocess.Popen(
        [sys.executable, "-m", "safetynet_cli.main", "run"], env=env, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT
    )
    try:
        urls = _ready(data / "services.env", time.monotonic() + 360)  # five processes on two loaded cores
        assert urls["INTAKE"].endswith(env["INTAKE_PORT"])  # the walkthrough finds these, not the defaults
        walk = subprocess.run(
            ["bash", "docs/walkthrough.sh"],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=900,
            check=False,
        )
        assert walk.returncode == 0, f"{walk.stdout[-4000:]}\n{walk.stderr[-4000:]}"
        assert "ok: True" in walk.stdout and "eligible: True" in walk.stdout
        for name in ("commitment", "township-verification", "township-acceptance", "dossier", "monthly"):
            assert (out / f"{name}.pdf").read_bytes().startswith(b"%PDF"), name
    finally:
        stop_process(run)
        log.close()
