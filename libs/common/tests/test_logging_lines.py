"""A request is logged once (uvicorn's access log is dropped, the service's own request line kept), as JSON
for a log collector or as readable columns on a developer's console."""

import json
import logging

import pytest

from common.logging import configure_logging, log
from common.settings import CommonSettings


def test_a_request_is_one_json_line_and_uvicorns_access_line_is_dropped(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging("intake", "INFO", json=True)
    logging.getLogger("uvicorn.access").info('127.0.0.1:5 - "GET /healthz HTTP/1.1" 200')
    log.info("request", method="GET", route="/healthz", status=200)
    lines = [line for line in capsys.readouterr().out.splitlines() if line.strip()]
    assert len(lines) == 1 and json.loads(lines[0])["event"] == "request"


def test_a_developer_reads_columns_not_json(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging("intake", "INFO", json=False)
    log.info("service started", workers=True)
    logging.getLogger("aiokafka.consumer").warning("broker not available")
    out = capsys.readouterr().out
    assert "service started" in out and "workers=True" in out and not out.lstrip().startswith("{")
    configure_logging("intake", "WARNING", json=True)


def test_json_by_default_outside_development() -> None:
    assert not CommonSettings(environment="development").json_logs
    assert CommonSettings(environment="test").json_logs
    assert CommonSettings(environment="development", log_format="json").json_logs
