"""The log's entries read as the contracts that admitted them: the paperwork reads typed events and step
records (`contracts`), never a payload by key, so a field renamed in a contract fails the type check here
instead of printing a blank on a form."""

from collections.abc import Iterable
from typing import TypeVar

from contracts.base import EventContract
from contracts.topics import contract_for
from ledger.models import Entry

E = TypeVar("E", bound=EventContract)


def read(entry: Entry, contract: type[E]) -> E:
    """An entry as its contract (the ledger validated it against that contract before appending it)."""
    return contract.model_validate(entry.data)


def event_of(entry: Entry) -> EventContract | None:
    """An entry as whatever contract its topic and type name (None for a type no contract declares now)."""
    contract = contract_for(entry.topic, entry.type)
    return contract.model_validate(entry.data) if contract is not None else None


def every(rows: Iterable[Entry], *contracts: type[E]) -> list[E]:
    """The entries of any of `contracts`, in the log's order, each as its contract."""
    by_type = {c.type: c for c in contracts}
    return [by_type[r.type].model_validate(r.data) for r in rows if r.type in by_type]


def latest(rows: list[Entry], *contracts: type[E]) -> E | None:
    """The last entry of any of `contracts`, as its contract."""
    by_type = {c.type: c for c in contracts}
    last = next((r for r in reversed(rows) if r.type in by_type), None)
    return by_type[last.type].model_validate(last.data) if last is not None else None


def types(*contracts: type[EventContract]) -> tuple[str, ...]:
    """The event types of `contracts` (for a query)."""
    return tuple(c.type for c in contracts)
