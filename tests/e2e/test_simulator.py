"""The simulator against the running services: reproducible, and its county raises alerts."""

from typing import Any

from devkit.testing.fixtures import auth, eventually
from safetynet_cli.simulate import simulate, synth_feeds, synth_households
from screening.config import settings


def test_the_same_seed_gives_the_same_county() -> None:
    first, again = synth_households("532504", 20, seed=5, year=2020), synth_households("532504", 20, seed=5, year=2020)
    assert first == again and synth_feeds(first, 5, 2020) == synth_feeds(again, 5, 2020)
    assert first != synth_households("532504", 20, seed=6, year=2020)
    assert all(h["household"]["region_code"].startswith("532504") for h in first)


async def test_a_simulated_county_raises_alerts_and_reruns_change_nothing(services: Any) -> None:
    intake, screening = await services.client("intake"), await services.client("screening")
    summary = await simulate(intake, screening, county="532504", households=40, seed=99, year=2020, progress=False)
    assert summary.registered == 40 and sum(c["accepted"] for c in summary.records.values()) > 0
    assert all(c["rejected"] == 0 for c in summary.records.values())
    # Every department the seeds name, the newer feeds too (emergency management, human resources).
    newer = {"emergency-management", "human-resources", "health", "water"}
    assert newer <= {d for d, c in summary.records.items() if c["accepted"]}
    admin = auth(settings, "admin", "")

    async def alerts() -> bool:
        items = (await screening.get("/alerts", params={"region_prefix": "532504", "limit": 500}, headers=admin)).json()
        return len(items["items"]) > 0

    assert await eventually(alerts, timeout=60)
    rerun = await simulate(intake, screening, county="532504", households=40, seed=99, year=2020, progress=False)
    assert rerun.registered == 0 and rerun.already_registered == 40
    assert all(c["accepted"] == 0 for c in rerun.records.values())
    assert summary.regional["accepted"] > 36 and rerun.regional["accepted"] == 0  # a year of three prices, projects
