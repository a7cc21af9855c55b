"""The policy packs of the source documents, shipped as reviewed data files (`packs/*.yaml`), published in
year order with the national pack first, so that what a file leaves out is carried forward from the packs
its document builds on.

A file is published when nothing has been published from it for its jurisdiction and year, and again, as a
new version, whenever it differs from what was last published from it: a corrected file is never silently
ignored (ADR 0013). Each version keeps the file's name and content as read (`Policy.shipped`), which the next
start compares the file with; a version published before that record existed is compared by what it holds.
"""

from dataclasses import dataclass
from importlib import resources
from typing import Any

import yaml
from fastapi import FastAPI
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from common.db import Database
from common.logging import log
from contracts.policy import VALUE_PATHS, PackValues, at, merge
from screening.policies import service
from screening.policies.models import Policy
from screening.policies.schemas import PolicyCreate

SEED = "seed"  # who publishes a shipped file's version


@dataclass(frozen=True)
class Shipped:
    file: str
    pack: PolicyCreate

    def body(self) -> dict[str, Any]:
        """The file's content as read, in one canonical form: the header in full, the values it gives."""
        return {
            **self.pack.model_dump(mode="json", exclude={"values"}),
            "values": self.pack.values.model_dump(mode="json", exclude_unset=True),
        }


def shipped_files() -> list[Shipped]:
    files = sorted(
        (f for f in resources.files("screening.policies").joinpath("packs").iterdir() if f.name.endswith(".yaml")),
        key=lambda f: f.name,
    )
    packs = [Shipped(f.name, PolicyCreate.model_validate(yaml.safe_load(f.read_text(encoding="utf-8")))) for f in files]
    keys = [(s.pack.jurisdiction.code, s.pack.year) for s in packs]
    if len(set(keys)) != len(keys):  # two files would publish over each other at every start
        raise RuntimeError(f"two shipped pack files are for the same jurisdiction and year: {sorted(keys)}")
    return sorted(packs, key=lambda s: (s.pack.year, s.pack.jurisdiction.level != "national", s.pack.jurisdiction.code))


def shipped() -> list[PolicyCreate]:
    return [s.pack for s in shipped_files()]


def _flat(data: Any, prefix: str = "") -> dict[str, Any]:
    if isinstance(data, dict) and data:
        return {k: v for key, value in data.items() for k, v in _flat(value, f"{prefix}{key}.").items()}
    return {prefix.rstrip("."): data}


def differences(before: dict[str, Any], now: dict[str, Any]) -> list[str]:
    """What changed between two bodies of a file, path by path."""
    old, new = _flat(before), _flat(now)
    return [
        f"{path}: {old.get(path, '(absent)')!r} -> {new.get(path, '(absent)')!r}"
        for path in sorted(old.keys() | new.keys())
        if old.get(path) != new.get(path)
    ]


def held_differences(policy: Policy, pack: PolicyCreate) -> list[str]:
    """A version published before the file's content was recorded: what the file says that the version does
    not hold (its header, each value it gives, each source it gives)."""
    j = pack.jurisdiction
    header = {
        "name": (policy.name, pack.name),
        "source": (policy.source, pack.source),
        "effective_from": (policy.effective_from, pack.effective_from),
        "valid_through": (policy.valid_through, pack.valid_through),
        "jurisdiction.name": (policy.jurisdiction_name, j.name),
        "jurisdiction.prefixes": (policy.prefixes, j.prefixes or [""]),
    }
    out = [f"{k}: {a!r} -> {b!r}" for k, (a, b) in header.items() if a != b]
    held = PackValues.model_validate(policy.pack).model_dump(mode="json")
    given = pack.values.model_dump(mode="json", exclude_unset=True)
    told = PackValues.model_validate(merge(held, given)).model_dump(mode="json")
    out += [f"values.{p}: {at(held, p)!r} -> {at(told, p)!r}" for p in VALUE_PATHS if at(held, p) != at(told, p)]
    out += [
        f"sources.{p}: {policy.value_sources.get(p)!r} -> {text!r}"
        for p, text in sorted(pack.sources.items())
        if policy.value_sources.get(p) != text
    ]
    return out


async def publish_shipped(session: AsyncSession, files: list[Shipped]) -> list[Policy]:
    """Publish each file that nothing was published from yet, or that differs from what was; answer the
    versions published. Replicas starting together take turns."""
    await session.execute(select(func.pg_advisory_xact_lock(func.hashtext("policy:shipped"))))
    published = []
    for s in files:
        last = (
            await session.execute(
                select(Policy)
                .where(
                    Policy.jurisdiction == s.pack.jurisdiction.code,
                    Policy.year == s.pack.year,
                    Policy.created_by == SEED,
                )
                .order_by(Policy.version.desc())
                .limit(1)
            )
        ).scalar_one_or_none()
        changed: list[str] = []
        if last is not None:
            changed = (
                differences(last.shipped["body"], s.body())
                if last.shipped is not None
                else held_differences(last, s.pack)
            )
            if not changed:
                continue
            log.warning(
                "shipped policy pack changed: publishing it as a new version",
                file=s.file,
                jurisdiction=s.pack.jurisdiction.code,
                year=s.pack.year,
                after_version=last.version,
                differences=changed,
            )
        shipped_as = {"file": s.file, "body": s.body(), "differences": changed}
        published.append(await service.publish(session, s.pack, published_by=SEED, shipped=shipped_as))
    return published


async def load_seeds(app: FastAPI) -> None:
    db: Database = app.state.db
    async with db.transaction() as session:
        await publish_shipped(session, shipped_files())
