"""The CLI explains itself: every option has help and shows its default, roles, departments and regions are
checked before a token is made, a busy port is reported before anything starts, and the commands that need
the database find the one `make run` started."""

import argparse
import os
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from safetynet_cli import main as cli


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "safetynet_cli.main", *args], capture_output=True, text=True, timeout=60, check=False
    )


@pytest.mark.parametrize(
    ("args", "complaint"),
    [
        (["token", "--role", "mayor"], "invalid choice: 'mayor'"),
        (["token", "--role", "village_cadre", "--region", "12345"], "not a region code prefix"),
        (["token", "--role", "department", "--department", "police"], "invalid choice: 'police'"),
    ],
)
def test_a_token_is_refused_for_what_does_not_exist(args: list[str], complaint: str) -> None:
    done = run_cli(*args)
    assert done.returncode == 2 and complaint in done.stderr


def test_every_option_has_help_with_its_default() -> None:
    for command in (["run"], ["token"], ["simulate"], ["tail"], ["ledger", "verify"], ["ledger", "checkpoints"]):
        text = run_cli(*command, "--help").stdout
        assert "(default:" in text, command
    assert "the year of income and records" in run_cli("simulate", "--help").stdout


def test_a_busy_port_is_reported_before_anything_starts(tmp_path: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        done = run_cli("run", "--data-dir", str(tmp_path), "--intake-port", str(port))
    assert done.returncode == 2 and f"port in use: intake {port}" in done.stderr
    assert not any(tmp_path.iterdir())  # nothing was started: no database directory


def test_ledger_verify_finds_the_database_of_make_run_or_says_so(tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.setattr(cli, "DATA_DIR", tmp_path / ".data")
    monkeypatch.delenv("DATABASE_URL", raising=False)
    from ledger.config import settings

    monkeypatch.setattr(settings, "database_url", None)
    args = argparse.Namespace(database_url=None, public_key=None, witness=None)
    assert cli.ledger_verify(args) == 2  # none here: says so
    (tmp_path / ".data").mkdir()
    (tmp_path / ".data" / "database.url").write_text("postgresql://u:p@127.0.0.1:1/none\n")
    assert cli._local("database.url") == "postgresql://u:p@127.0.0.1:1/none"


def test_run_gives_its_services_the_data_dir_and_their_attachments_follow_it(tmp_path: Path) -> None:
    """`safetynet run --data-dir D` kept the database in D but each service's attachments in `.data/attachments`
    of the directory it was started from. The services now get D (absolute) and keep attachments under it."""
    from safetynet_cli.runner import service_env

    base = {k: v for k, v in os.environ.items() if k not in ("ATTACHMENTS_DIR", "SAFETYNET_DATA_DIR")}
    elsewhere = tmp_path / "started-here"  # where the service is started from, and no .env file
    elsewhere.mkdir()
    probe = "from common import attachments; from {0}.config import settings; print(attachments.store(settings).root)"

    def root(env: dict[str, str], service: str) -> Path:
        done = subprocess.run(
            [sys.executable, "-c", probe.format(service)], env=env, cwd=elsewhere, capture_output=True, text=True,
            timeout=60, check=True,
        )  # fmt: skip
        return Path(done.stdout.strip())

    for service in ("intake", "assistance"):  # the two that keep attachments
        env = service_env(base, Path(os.path.relpath(tmp_path / "data")), service)
        assert env["SAFETYNET_DATA_DIR"] == str(tmp_path / "data") and env["SERVICE_NAME"] == service
        assert root(env, service) == tmp_path / "data" / "attachments"
        assert root({**env, "ATTACHMENTS_DIR": str(tmp_path / "evidence")}, service) == tmp_path / "evidence"
    assert root(base, "intake") == Path(".data/attachments")  # unset: as before, under the working directory
