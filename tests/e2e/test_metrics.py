"""What an operator alerts on is at /metrics of a running service: the outbox's backlog and its oldest
unsent event, each partition's consumer lag, dead-lettered events."""

import re
from typing import Any

from devkit.kit.households import register
from devkit.testing.fixtures import eventually


async def test_a_running_service_exposes_its_outbox_and_consumer_lag(services: Any) -> None:
    intake = await services.client("intake")
    await register(intake)

    async def scraped() -> str | None:
        text = (await intake.get("/metrics")).text
        return text if 'consumer_lag_messages{group="intake-service"' in text else None

    text = await eventually(scraped, timeout=30)
    backlog = re.search(r'outbox_backlog_events\{service="intake"\} ([0-9.e+]+)', text)
    oldest = re.search(r'outbox_oldest_unsent_seconds\{service="intake"\} ([0-9.e+]+)', text)
    assert backlog and oldest and float(oldest.group(1)) >= 0
    assert re.search(r'consumer_lag_messages\{group="intake-service",partition="\d+",topic="[a-z0-9.-]+"\} \d', text)
    assert "events_dead_lettered_total" in text and "outbox_relay_failures_total" in text
