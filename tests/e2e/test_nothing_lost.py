"""`safetynet run` loses nothing it acknowledged. Under a steady load of registrations (intake, 201) and
department records (screening's REST ingest, 202), each service is killed with SIGKILL in turn, then the
embedded broker; the runtime starts each again, republishes from the outboxes what the dead broker held, and
afterwards every acknowledged household has reached screening and the ledger, and every acknowledged record
screening and the ledger, each exactly once."""

import collections
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest

from common.settings import CommonSettings
from devkit.kit.households import household_body
from devkit.testing.fixtures import auth, resident_id, stop_process

ROOT = Path(__file__).resolve().parents[2]
SERVICES = ("intake", "screening", "assistance", "ledger")
SETTINGS = CommonSettings()
CADRE = auth(SETTINGS, "village_cadre", "532504102")
ADMIN = auth(SETTINGS, "admin", "")
AUDITOR = auth(SETTINGS, "auditor", "")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait(check: Any, timeout: float, what: str) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if found := check():
                return found
        except httpx.HTTPError:
            pass
        time.sleep(1)
    raise AssertionError(f"not within {timeout:.0f} s: {what}")


def _pid(parent: int, pattern: str) -> int:
    """The runner's child that matches (another suite's `safetynet run` may be running on this machine)."""
    found = subprocess.run(
        ["pgrep", "-P", str(parent), "-f", pattern], capture_output=True, text=True, check=False
    ).stdout.split()
    assert len(found) == 1, (pattern, found)
    return int(found[0])


class Load:
    """Two writers, one per kind, each keeping what was acknowledged."""

    def __init__(self, urls: dict[str, str]) -> None:
        self.urls, self.stop = urls, threading.Event()
        self.households: list[str] = []
        self.records: list[str] = []
        self.threads = [threading.Thread(target=self._register), threading.Thread(target=self._report)]

    def _register(self) -> None:
        with httpx.Client(base_url=self.urls["intake"], timeout=10) as client:
            while not self.stop.is_set():
                try:
                    r = client.post("/households", json=household_body("532504102001"), headers=CADRE)
                    if r.status_code == 201:
                        self.households.append(r.json()["id"])
                except httpx.HTTPError:
                    time.sleep(0.2)  # the service is down: not acknowledged, so not counted

    def _report(self) -> None:
        with httpx.Client(base_url=self.urls["screening"], timeout=10) as client:
            while not self.stop.is_set():
                record = {
                    "record_id": f"HL-{uuid.uuid4().hex[:12]}",
                    "resident_id": resident_id(),
                    "event_date": "2026-11-02",
                    "kind": "appraisal",
                    "grade": "C",
                }
                try:
                    r = client.post("/feeds/housing/records", json=record, headers=ADMIN)
                    if r.status_code == 202:  # as the service names it (a number in an id is pseudonymized)
                        self.records.append(r.json()["record_id"])
                except httpx.HTTPError:
                    time.sleep(0.2)

    def __enter__(self) -> "Load":
        for t in self.threads:
            t.start()
        return self

    def __exit__(self, *_: Any) -> None:
        self.stop.set()
        for t in self.threads:
            t.join(30)


def _pages(client: httpx.Client, path: str, headers: dict[str, str], **params: Any) -> list[dict[str, Any]]:
    items, cursor = [], None
    while True:
        r = client.get(path, params={**params, "limit": 500, **({"cursor": cursor} if cursor else {})}, headers=headers)
        r.raise_for_status()
        items += r.json()["items"]
        if not (cursor := r.json().get("next_cursor")):
            return items


@pytest.mark.runtime
@pytest.mark.real_clock
def test_killing_each_service_and_the_broker_under_load_loses_no_acknowledged_write(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "KAFKA_BOOTSTRAP_SERVERS")}
    env |= {f"{name.upper()}_PORT": str(_free_port()) for name in SERVICES} | {"LOG_LEVEL": "WARNING"}
    data = tmp_path / "data"
    log = (tmp_path / "run.log").open("w")
    run = subprocess.Popen(
        [sys.executable, "-m", "safetynet_cli.main", "run", "--data-dir", str(data)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        cwd=ROOT,
    )
    urls = {name: f"http://127.0.0.1:{env[name.upper() + '_PORT']}" for name in SERVICES}

    def all_ready() -> bool:
        return all(httpx.get(f"{url}/readyz", timeout=2).status_code == 200 for url in urls.values())

    try:
        _wait(all_ready, 240, "the services ready")
        with Load(urls) as load:
            _wait(lambda: len(load.households) >= 20 and len(load.records) >= 20, 60, "the load under way")
            for name in ("screening", "intake", "ledger", "assistance"):
                os.kill(_pid(run.pid, f"uvicorn {name}.main:app"), signal.SIGKILL)
                _wait(all_ready, 120, f"{name} started again")
                time.sleep(2)  # writes acknowledged after the restart, some still on their way
            port = (data / "broker.address").read_text().rsplit(":", 1)[1]
            os.kill(_pid(run.pid, f"listener-url tcp://127.0.0.1:{port}"), signal.SIGKILL)
            _wait(all_ready, 180, "the broker and the services started again")
            time.sleep(3)
        households, records = set(load.households), set(load.records)
        assert len(households) == len(load.households) and len(households) >= 40 and len(records) >= 40

        with httpx.Client(timeout=30) as client:

            def screened() -> bool:
                known = {r["record_id"] for r in _pages(client, f"{urls['screening']}/feeds/unmatched", ADMIN)}
                return records <= known and all(
                    client.get(f"{urls['screening']}/households/{h}", headers=ADMIN).status_code == 200
                    for h in households
                )

            _wait(screened, 240, "every acknowledged write in screening")

            def logged() -> dict[str, list[dict[str, Any]]] | None:
                by_topic = {
                    t: _pages(client, f"{urls['ledger']}/entries", AUDITOR, topic=t)
                    for t in ("intake.household.v1", "dept.housing.v1")
                }
                registered = {e["subject"] for e in by_topic["intake.household.v1"] if e["type"].endswith("registered")}
                return (
                    by_topic if households <= registered and len(by_topic["dept.housing.v1"]) >= len(records) else None
                )

            entries = _wait(logged, 240, "every acknowledged write in the ledger")
        twice = [
            k for k, n in collections.Counter(e["event_id"] for es in entries.values() for e in es).items() if n > 1
        ]
        assert twice == []  # exactly once
        unmatched = collections.Counter(
            r["record_id"] for r in _pages(httpx.Client(), f"{urls['screening']}/feeds/unmatched", ADMIN)
        )
        assert all(unmatched[r] == 1 for r in records)
        said = (tmp_path / "run.log").read_text()
        assert "screening exited with -9; starting it again" in said and "events to publish again" in said
    except AssertionError as exc:
        raise AssertionError(f"{exc}\n--- safetynet run's log:\n{(tmp_path / 'run.log').read_text()[-6000:]}") from exc
    finally:
        stop_process(run)
        log.close()
