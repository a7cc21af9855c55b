"""Which policy pack governs a region in a year: one rule for every service that keeps packs (screening
publishes them; assistance and intake keep what they apply), so that they never disagree.

A pack row is anything with `level`, `prefixes`, `year`, `version`, `effective_from` and `published_at`.
The ranking: a jurisdiction of the region's own before the national pack; the year's own pack in effect on
the date before an earlier year's (as that year ended, and then flagged *assumed*); the newest year; the
most specific prefix; the newest version; the latest published.
"""

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Generic, Protocol, TypeVar, cast

from sqlalchemy import Date, Integer, String, select
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from common.db import stamped
from common.regions import ancestors
from contracts.policy import MonitoringLine, PackValues, at, with_paths
from contracts.screening import PolicyPackPublishedV1


class PackRow(Protocol):
    @property
    def level(self) -> str: ...
    @property
    def prefixes(self) -> list[str]: ...
    @property
    def year(self) -> int: ...
    @property
    def version(self) -> int: ...
    @property
    def effective_from(self) -> dt.date: ...


# Unbounded: mypy cannot see the ORM rows' mapped attributes as the protocol's through the services' import
# cycles; `rank` reads them as PackRow.
P = TypeVar("P")


def candidate_prefixes(regions: Iterable[str]) -> list[str]:
    """Every prefix a pack governing one of the regions may have (the national pack's is empty)."""
    return sorted({p for region in regions for p in (*ancestors(region), region)} | {""})


def specificity(pack: PackRow, region: str) -> int:
    """The length of the longest of the pack's prefixes the region starts with; -1: it does not govern it."""
    return max((len(p) for p in pack.prefixes if region.startswith(p)), default=-1)


def _published(pack: Any) -> float:
    at = getattr(pack, "published_at", None) or getattr(pack, "created_at", None)
    return at.timestamp() if at else float("inf")  # a draft, never stored, is the latest


def rank(region: str, year: int, on: dt.date, rows: Iterable[P]) -> list[P]:
    """The packs that govern a region for a year on a date, best first (see the module's docstring)."""
    return cast(list[P], _rank(region, year, on, cast(Iterable[PackRow], rows)))


def _rank(region: str, year: int, on: dt.date, rows: Iterable[PackRow]) -> list[PackRow]:
    found = [
        p
        for p in rows
        if p.year <= year
        and specificity(p, region) >= 0
        and p.effective_from <= (on if p.year == year else dt.date(p.year, 12, 31))
    ]
    return sorted(
        found,
        key=lambda p: (
            p.level == "national",
            p.year != year,
            -p.year,
            -specificity(p, region),
            -p.version,
            -_published(p),
        ),
    )


@dataclass(frozen=True)
class InForce(Generic[P]):
    pack: P
    # The year has no pack in effect of its own: the latest earlier year's, as it stood at that year's end,
    # is applied, and everything judged by its line says so.
    assumed: bool
    # The other packs of the year that govern the region and are in effect, which the chosen one outranks.
    outranked: tuple[P, ...] = ()
    # The mandatory values of the national pack in force (path -> value): no jurisdiction's pack, of
    # before or after it, dispenses with them.
    overrides: dict[str, Any] = field(default_factory=dict)
    overridden_by: P | None = None
    # The national pack's floor (中农组发〔2021〕7号 二(二): 以脱贫攻坚期国家扶贫标准的1.5倍为底线): the line of a
    # pack that states no amount, so that no region in force is left without an income line.
    floor: Decimal | None = None

    @property
    def values(self) -> PackValues:
        """The chosen pack's values, with the national pack's mandatory ones over them. Read on the hot paths
        (every household of a feed batch, every criterion of an evaluation): validated once per pair of
        published versions, which are never edited."""
        key = (_identity(self.pack), _identity(self.overridden_by) if self.overridden_by is not None else None)
        found = _VALUES.get(key) if key[0] is not None else None
        if found is None:
            found = PackValues.model_validate(with_paths(cast(Any, self.pack).pack, self.overrides))
            if found.line.basis == "unstated" and self.floor is not None:
                found = found.model_copy(update={"line": MonitoringLine(basis="national_floor", amount=self.floor)})
            if key[0] is not None:
                if len(_VALUES) >= 10_000:
                    _VALUES.clear()
                _VALUES[key] = found
        return found

    def source_of(self, path: str) -> str | None:
        """Who decides a value when the national pack does (else None: the chosen pack)."""
        if path not in self.overrides or self.overridden_by is None:
            return None
        n = cast(Any, self.overridden_by)
        return f"the national pack {n.year} v{n.version}, mandatory from {n.year}"


_VALUES: dict[tuple[Any, Any], PackValues] = {}


def _identity(pack: Any) -> Any:
    """A published version's id (screening's row or a service's copy); None for a draft, never cached."""
    if getattr(pack, "created_at", 1) is None:  # a draft ranked by the what-if, not published
        return None
    return getattr(pack, "policy_id", None) or getattr(pack, "id", None)


def in_force(region: str, year: int, on: dt.date, rows: Iterable[P]) -> InForce[P] | None:
    found = rank(region, year, on, rows)
    if not found:
        return None
    chosen = cast(Any, found[0])
    outranked = tuple(p for p in found[1:] if cast(Any, p).year == chosen.year == year)
    national = next((cast(Any, p) for p in found if cast(Any, p).level == "national"), None)
    if national is None:
        return InForce(found[0], chosen.year != year, outranked)
    floor = national.pack.get("line_floor")
    floor = Decimal(floor) if floor is not None else None
    if chosen.level == "national":
        return InForce(found[0], chosen.year != year, outranked, floor=floor)
    mandatory = PackValues.model_validate(national.pack).mandatory
    overrides = {path: at(national.pack, path) for path in mandatory}
    return InForce(found[0], chosen.year != year, outranked, overrides, national, floor)


class PackProjection:
    """Columns of a service's copy of screening's packs (screening.policy.v1), as published: mixed into a
    model of the service's own schema. `keep` stores an event; `packs_in_force` ranks them as screening does."""

    policy_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    jurisdiction: Mapped[str] = mapped_column(String(40))
    level: Mapped[str] = mapped_column(String(20))
    prefixes: Mapped[list[str]] = mapped_column(ARRAY(String(12)))
    year: Mapped[int] = mapped_column(Integer)
    version: Mapped[int] = mapped_column(Integer)
    effective_from: Mapped[dt.date] = mapped_column(Date)
    pack: Mapped[dict[str, Any]] = mapped_column(JSONB)
    published_at: Mapped[dt.datetime] = stamped()

    @property
    def values(self) -> PackValues:
        return PackValues.model_validate(self.pack)

    @property
    def ref(self) -> str:
        return f"policy:{self.jurisdiction}:{self.year}:v{self.version}"


Q = TypeVar("Q", bound=PackProjection)


async def keep(
    session: AsyncSession,
    model: type[PackProjection],
    event: PolicyPackPublishedV1,
    values: dict[str, Any] | None = None,
) -> None:
    """Store a published pack (once: a redelivered event changes nothing)."""
    await session.execute(
        insert(model)
        .values(
            policy_id=event.policy_id,
            jurisdiction=event.jurisdiction.code,
            level=event.jurisdiction.level,
            prefixes=event.prefixes,
            year=event.year,
            version=event.version,
            effective_from=event.effective_from,
            pack=values if values is not None else event.pack.model_dump(mode="json"),
        )
        .on_conflict_do_nothing()
    )


async def packs_in_force(
    session: AsyncSession, model: type[Q], regions: Iterable[str], on: dt.date
) -> dict[str, InForce[Q] | None]:
    """The pack governing each region in the year of `on` (the year's own, else the latest earlier one,
    assumed). One query."""
    wanted = set(regions)
    rows = list(
        (
            await session.execute(
                select(model).where(model.prefixes.overlap(candidate_prefixes(wanted)), model.year <= on.year)
            )
        ).scalars()
    )
    return {region: in_force(region, on.year, on, rows) for region in wanted}
