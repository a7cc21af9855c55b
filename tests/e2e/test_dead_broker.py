"""A dead broker is not a quiet one: readiness fails while the topics a service needs are gone, and a client
library retrying an absent dependency logs one line per interval, not hundreds a second. (What `safetynet run`
does when its embedded broker dies is tests/e2e/test_nothing_lost.py's.)"""

import asyncio
import logging
import time
from pathlib import Path
from typing import Any

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
