"""A shipped pack file is published once, and again as a new version whenever it changes: a start with the
files as they were publishes nothing; a file edited after its year was published is never ignored."""

from typing import Any

from sqlalchemy import func, select

from contracts.policy import LOCAL_DEFAULT
from contracts.screening import POLICY_TOPIC
from screening.policies import service
from screening.policies.models import Policy
from screening.policies.schemas import PolicyCreate
from screening.policies.seeds import SEED, Shipped, load_seeds, publish_shipped


def _file(code: str, prefix: str, window: int, *, source: str = "第三条: 以20天为一个监测周期") -> Shipped:
    """A pack file of a jurisdiction no other test uses (呼和浩特市), setting the scale-level window."""
    return Shipped(
        f"2020-{code}.yaml",
        PolicyCreate.model_validate(
            {
                "jurisdiction": {"code": code, "name": "呼和浩特市", "level": "district", "prefixes": [prefix]},
                "year": 2020,
                "effective_from": "2020-01-01",
                "name": "新城区2020年防止返贫监测",
                "source": "新城区防止返贫监测实施方案(2020)",
                "values": {"thresholds": {"regional_window_days": window}},
                "sources": {"thresholds.regional_window_days": source},
            }
        ),
    )


async def _versions(app: Any, code: str | None = None) -> list[Policy]:
    async with app.state.db.transaction() as session:
        q = select(Policy).order_by(Policy.jurisdiction, Policy.year, Policy.version)
        return list((await session.execute(q.where(Policy.jurisdiction == code) if code else q)).scalars())


async def _policy_events(app: Any) -> int:
    table = app.state.outbox.table
    async with app.state.db.transaction() as session:
        return (await session.execute(select(func.count()).where(table.c.topic == POLICY_TOPIC))).scalar_one()


async def test_a_start_with_the_shipped_files_unchanged_publishes_nothing(services: Any) -> None:
    await services.client("screening")
    from screening.main import app

    before, events = [p.id for p in await _versions(app)], await _policy_events(app)
    await load_seeds(app)  # what every restart does
    assert [p.id for p in await _versions(app)] == before
    assert await _policy_events(app) == events
    seeded = [p for p in await _versions(app) if p.created_by == SEED]
    assert seeded and all(p.shipped and p.shipped["file"].endswith(".yaml") for p in seeded)


async def test_a_changed_shipped_file_is_published_as_a_new_version(services: Any) -> None:
    await services.client("screening")
    from screening.main import app

    first = _file("t-seeds-150102", "150102", 20)
    async with app.state.db.transaction() as session:
        assert len(await publish_shipped(session, [first])) == 1
    async with app.state.db.transaction() as session:
        assert await publish_shipped(session, [first]) == []  # unchanged: nothing
    events = await _policy_events(app)
    changed = _file("t-seeds-150102", "150102", 25, source="第三条(修订): 以25天为一个监测周期")
    async with app.state.db.transaction() as session:
        [published] = await publish_shipped(session, [changed])
    assert published.version == 2 and published.created_by == SEED
    assert published.pack["thresholds"]["regional_window_days"] == 25
    assert published.value_sources["thresholds.regional_window_days"].startswith("第三条(修订)")
    assert any("values.thresholds.regional_window_days: 20 -> 25" in d for d in published.shipped["differences"])
    assert await _policy_events(app) == events + 1  # published like any version: its event for the others
    # What the document does not state stays a local default.
    listed = {v["path"]: v for v in service.sourced(published)}
    assert listed["thresholds.regional_spike_factor"]["source"] == LOCAL_DEFAULT
    async with app.state.db.transaction() as session:
        assert await publish_shipped(session, [changed]) == []


async def test_a_version_seeded_before_files_were_recorded_is_compared_by_what_it_holds(services: Any) -> None:
    await services.client("screening")
    from screening.main import app

    old = _file("t-seeds-150103", "150103", 20)
    async with app.state.db.transaction() as session:  # as the start published it before the record existed
        await service.publish(session, old.pack, published_by=SEED)
    async with app.state.db.transaction() as session:
        assert await publish_shipped(session, [old]) == []
    changed = _file("t-seeds-150103", "150103", 21)
    async with app.state.db.transaction() as session:
        [published] = await publish_shipped(session, [changed])
    assert [p.version for p in await _versions(app, "t-seeds-150103")] == [1, 2]
    assert published.shipped["differences"] == ["values.thresholds.regional_window_days: 20 -> 21"]
