"""What a service produces and consumes is what its code does: its outbox declares the topics it writes and
refuses any other, and readiness, the README's table and the AsyncAPI document are derived from the same."""

import ast
import datetime as dt
import uuid
from pathlib import Path

import pytest

from common.messaging.outbox import UndeclaredTopic
from contracts.ledger import CheckpointSignedV1
from contracts.topics import TOPICS, dlq_of
from safetynet_cli import topics as service_topics
from safetynet_cli.specs import OUT, README, check_specs

ROOT = Path(__file__).resolve().parents[2]
SPECS = service_topics.specs()
CONTRACTS = {c.__name__: c for t in TOPICS.values() for c in t.contracts}


def constructed(service: str) -> dict[str, set[str]]:
    """The topics of the event contracts a service's code builds (`SomeEventV1(...)`), with where."""
    out: dict[str, set[str]] = {}
    for path in (ROOT / "services" / service / "src" / service).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                f = node.func
                name = f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else ""
                if name in CONTRACTS:
                    out.setdefault(CONTRACTS[name].topic, set()).add(f"{path.name}: {name}")
    return out


@pytest.mark.parametrize("service", service_topics.SERVICES)
def test_every_event_a_service_builds_is_of_a_topic_it_declares(service: str) -> None:
    """An event the code builds is one its outbox declares, or one it received (a conversion of an old
    event into a new contract, as assistance reads old policy events): never an undeclared one."""
    spec = SPECS[service]
    stray = {t: w for t, w in constructed(service).items() if t not in spec.produces and t not in spec.consumes}
    assert not stray, f"{service} builds events of topics its outbox does not declare: {stray}"


@pytest.mark.parametrize("service", service_topics.SERVICES)
async def test_an_outbox_refuses_a_topic_its_service_does_not_declare(service: str) -> None:
    outbox = SPECS[service].outbox
    event = CheckpointSignedV1(origin="x", tree_size=1, root_hash="AA==", note="n", issued_at=dt.datetime.now(dt.UTC))
    if event.topic in outbox.topics:
        assert service == "ledger"  # the one service that writes checkpoints
        return
    with pytest.raises(UndeclaredTopic, match=r"ledger\.checkpoint\.v1"):
        await outbox.add(None, event, subject=uuid.uuid4())  # type: ignore[arg-type]  # refused before any write


def test_a_topic_a_service_owns_is_one_it_produces() -> None:
    for topic in TOPICS.values():
        if topic.owner in SPECS:
            assert topic.name in SPECS[topic.owner].produces, f"{topic.owner} owns {topic.name} but does not declare it"
        if topic.owner == "every service":
            assert all(topic.name in s.produces for s in SPECS.values()), topic.name


@pytest.mark.parametrize("service", service_topics.SERVICES)
def test_readiness_covers_every_topic_produced_and_consumed(service: str) -> None:
    spec = SPECS[service]
    from importlib import import_module

    required = import_module(f"{service}.main").app.state.required_topics
    assert set(spec.produces) | set(spec.consumes) | {dlq_of(t) for t in spec.consumes} == set(required)
    if service == "ledger":
        assert "ledger.checkpoint.v1" in required  # it publishes every checkpoint it signs


def test_the_readme_table_and_the_asyncapi_are_what_the_code_says() -> None:
    stale = {p for p in check_specs() if p in (README, OUT / "asyncapi.yaml")}
    assert not stale, f"out of date (run `make openapi`): {sorted(map(str, stale))}"
    text = README.read_text(encoding="utf-8")
    assert service_topics.table(SPECS) in text
    assert "| ledger | `ledger.checkpoint.v1`, `audit.access.v1` |" in text


def test_a_readme_without_its_markers_is_refused() -> None:
    with pytest.raises(SystemExit, match="lacks the generated topics table"):
        service_topics.readme("# safetynet\n", SPECS)
