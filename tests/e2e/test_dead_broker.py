"""A dead broker is not a quiet one: readiness fails while the topics a service needs are gone, `safetynet
run` stops everything when its embedded broker dies, and a client library retrying an absent dependency
logs one line per interval, not hundreds a second."""

import asyncio
import logging
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from common.logging import Throttle
from devkit.runtime.embedded import EmbeddedRuntime


async def test_readiness_fails_while_the_broker_has_lost_the_topics(services: Any, tmp_path: Path) -> None:
    from intake.config import settings

    client = await services.client("intake")
    assert (await client.get("/readyz")).status_code == 200
    empty = EmbeddedRuntime(tmp_path)  # a broker that restarted: reachable, and without our topics
    bootstrap = await asyncio.to_thread(empty.start_broker)
    before = settings.kafka_bootstrap_servers
    try:
        settings.kafka_bootstrap_servers = bootstrap
        r = await client.get("/readyz")
        assert r.status_code == 503
        assert r.json()["checks"]["broker"] == "ok" and "intake.case.v1" in r.json()["checks"]["topics"]
    finally:
        settings.kafka_bootstrap_servers = before
        empty.stop_broker()
    assert (await client.get("/readyz")).status_code == 200


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.runtime
def test_run_stops_every_service_when_its_broker_dies(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "KAFKA_BOOTSTRAP_SERVERS")}
    env |= {f"{name}_PORT": str(_free_port()) for name in ("INTAKE", "SCREENING", "ASSISTANCE", "LEDGER")}
    run = subprocess.Popen(
        [sys.executable, "-m", "safetynet_cli.main", "run", "--data-dir", str(tmp_path)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        address = tmp_path / "broker.address"
        deadline = time.monotonic() + 120
        while not address.exists():
            assert run.poll() is None and time.monotonic() < deadline, "safetynet run did not start"
            time.sleep(0.5)
        port = address.read_text().rsplit(":", 1)[1]
        ready_url = f"http://127.0.0.1:{env['INTAKE_PORT']}/readyz"
        while True:  # the services are up before the broker is cut
            try:
                if httpx.get(ready_url, timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert run.poll() is None and time.monotonic() < deadline, "the services did not become ready"
            time.sleep(0.5)
        broker = subprocess.run(
            ["pgrep", "-f", f"listener-url tcp://127.0.0.1:{port}"], capture_output=True, text=True, check=True
        ).stdout.split()
        assert len(broker) == 1
        os.kill(int(broker[0]), signal.SIGKILL)
        code = run.wait(120)
        stderr = run.stderr.read() if run.stderr else ""
        assert code == 1 and "the embedded broker stopped" in stderr
    finally:
        if run.poll() is None:
            run.terminate()
            run.wait(30)


def test_a_repeating_library_line_is_logged_once_per_interval_with_a_count() -> None:
    throttle = Throttle(interval_s=60)
    records = [
        logging.LogRecord("aiokafka", logging.ERROR, __file__, 1, "Unable connect to %s", ("node-1",), None)
        for _ in range(370)
    ]
    passed = [r for r in records if throttle.filter(r)]
    assert len(passed) == 1
    throttle._seen[("aiokafka", "Unable connect to %s")] = (time.monotonic() - 61, 369)
    later = logging.LogRecord("aiokafka", logging.ERROR, __file__, 1, "Unable connect to %s", ("node-1",), None)
    assert throttle.filter(later) and "369 more like it" in later.getMessage()


def test_different_faults_under_one_message_are_not_throttled_together() -> None:
    throttle = Throttle(interval_s=60)

    def failing(kind: type[Exception]) -> logging.LogRecord:
        try:
            raise kind("x")
        except Exception:
            import sys

            return logging.LogRecord(
                "uvicorn.error", logging.ERROR, __file__, 1, "Exception in ASGI app", (), sys.exc_info()
            )

    assert throttle.filter(failing(ValueError)) and throttle.filter(failing(KeyError))
    assert not throttle.filter(failing(ValueError))
