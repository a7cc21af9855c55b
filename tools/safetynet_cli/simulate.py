"""`safetynet simulate`: a synthetic county, seeded and reproducible. Households are registered in intake
through its API (with a year's income), then department feeds are streamed to screening's bulk ingest.
Running it again with the same seed registers nothing new and every record is a duplicate."""

import datetime as dt
import json
import random
import sys
from dataclasses import dataclass, field
from typing import Any

import httpx
from stdnum.cn import ric
from tqdm import tqdm

from common.auth import issue_token
from common.clock import today
from common.regions import regions
from common.settings import CommonSettings

DEPARTMENTS = (
    "medical-insurance",
    "housing",
    "education",
    "disability",
    "civil-affairs",
    "emergency-management",
    "human-resources",
    "health",
    "water",
    "finance",
)


def _date(year: int, days: int) -> dt.date:
    """A day of `year`, `days` after its first, never after today (China Standard Time): records are of the
    past, and the current year is only partly past."""
    span = (min(dt.date(year, 12, 31), today()) - dt.date(year, 1, 1)).days + 1
    return dt.date(year, 1, 1) + dt.timedelta(days=days % max(span, 1))


@dataclass
class Summary:
    registered: int = 0
    already_registered: int = 0
    records: dict[str, dict[str, int]] = field(default_factory=dict)
    regional: dict[str, int] = field(default_factory=dict)


def _resident_id(rng: random.Random, county: str, taken: set[str], born_after: int, born_before: int) -> str:
    while True:
        birth = dt.date(born_after, 1, 1) + dt.timedelta(days=rng.randrange((born_before - born_after) * 365))
        body = f"{county}{birth:%Y%m%d}{rng.randrange(1000):03d}"
        rid = body + ric.calc_check_digit(body + "0")
        if rid not in taken:
            taken.add(rid)
            return rid


def synth_households(county: str, n: int, seed: int, year: int) -> list[dict[str, Any]]:
    """Households with members and a year's income, the same for the same seed."""
    rng = random.Random(seed)
    taken: set[str] = set()
    villages = regions().villages(county)
    out = []
    for i in range(n):
        members = [
            {
                "name": f"户主{i}",
                "relation": "head",
                "labour_capacity": rng.choice(["full", "full", "partial"]),
                "resident_id": _resident_id(rng, county, taken, year - 65, year - 25),
            }
        ]
        if rng.random() < 0.8:
            members.append(
                {
                    "name": f"配偶{i}",
                    "relation": "spouse",
                    "labour_capacity": "full",
                    "resident_id": _resident_id(rng, county, taken, year - 60, year - 22),
                }
            )
        for k in range(rng.choice([0, 1, 1, 2, 3])):
            members.append(
                {
                    "name": f"子女{i}-{k}",
                    "relation": "child",
                    "labour_capacity": "none",
                    "schooling": rng.choice(["compulsory", "compulsory", "high_school", "higher"]),
                    "resident_id": _resident_id(rng, county, taken, year - 20, year - 7),
                }
            )
        if rng.random() < 0.3:
            members.append(
                {
                    "name": f"老人{i}",
                    "relation": "parent",
                    "labour_capacity": "lost",
                    "health": "chronic_illness",
                    "resident_id": _resident_id(rng, county, taken, year - 90, year - 70),
                }
            )
        per_capita = rng.lognormvariate(9.0, 0.45)  # median ~8,100 CNY: a minority falls below the lines
        out.append(
            {
                "household": {
                    "region_code": rng.choice(villages),
                    "household_no": f"SIM{seed}-{i:06d}",
                    "address": f"模拟{i % 20 + 1}组",
                    "category": rng.choice(["lifted", "ordinary"]),
                    "members": members,
                },
                "income": {
                    "wages": f"{per_capita * len(members) * 0.7:.2f}",
                    "production": f"{per_capita * len(members) * 0.3:.2f}",
                    "property": "0",
                    "transfers": "0",
                    "medical_expense": f"{rng.choice([0, 0, 2000, 12000]):.2f}",
                },
            }
        )
    return out


def synth_feeds(households: list[dict[str, Any]], seed: int, year: int) -> dict[str, list[dict[str, Any]]]:
    """Department records for some of the members, the same for the same seed."""
    rng = random.Random(seed + 1)
    feeds: dict[str, list[dict[str, Any]]] = {d: [] for d in DEPARTMENTS}

    def day() -> str:
        return str(_date(year, rng.randrange(365)))

    for i, h in enumerate(households):
        members = h["household"]["members"]
        head = members[0]["resident_id"]
        if rng.random() < 0.15:
            oop = rng.lognormvariate(9.4, 0.8)
            feeds["medical-insurance"].append(
                {
                    "record_id": f"MI{seed}-{i}",
                    "resident_id": rng.choice(members)["resident_id"],
                    "event_date": day(),
                    "kind": "settlement",
                    "total": f"{oop * 1.6:.2f}",
                    "reimbursed": f"{oop * 0.6:.2f}",
                    "out_of_pocket": f"{oop:.2f}",
                    "disease_category": rng.choice(["major", "chronic", "none"]),
                }
            )
        if rng.random() < 0.1:
            feeds["housing"].append(
                {
                    "record_id": f"HS{seed}-{i}",
                    "resident_id": head,
                    "event_date": day(),
                    "kind": "appraisal",
                    "grade": rng.choice("AABBCD"),
                }
            )
        for k, m in enumerate(members):
            if m.get("schooling"):
                status = "dropout" if rng.random() < 0.03 else "enrolled"
                level = {"compulsory": "compulsory", "high_school": "high_school", "higher": "higher"}[m["schooling"]]
                feeds["education"].append(
                    {
                        "record_id": f"ED{seed}-{i}-{k}",
                        "resident_id": m["resident_id"],
                        "event_date": day(),
                        "level": level,
                        "status": status,
                        "aid_granted": "0" if rng.random() < 0.5 else "3000",
                    }
                )
            if rng.random() < 0.03:
                feeds["disability"].append(
                    {
                        "record_id": f"DF{seed}-{i}-{k}",
                        "resident_id": m["resident_id"],
                        "event_date": day(),
                        "action": "issued",
                        "grade": rng.randint(1, 4),
                        "category": rng.choice(["physical", "visual", "mental", "intellectual"]),
                    }
                )
        if rng.random() < 0.05:
            feeds["civil-affairs"].append(
                {
                    "record_id": f"CA{seed}-{i}",
                    "resident_id": head,
                    "event_date": day(),
                    "kind": rng.choice(["dibao_enrolled", "temporary_assistance", "death"]),
                }
            )
    # The later feeds draw from their own sequence, so the records above stay the same for a seed.
    later = random.Random(seed + 2)
    for i, h in enumerate(households):
        members = h["household"]["members"]
        if later.random() < 0.03:
            kind = later.choice(["natural_disaster", "natural_disaster", "fire", "accident"])
            hazard = {"fire": "fire", "accident": "traffic"}.get(kind) or later.choice(
                ["flood", "drought", "geological"]
            )
            feeds["emergency-management"].append(
                {
                    "record_id": f"EM{seed}-{i}",
                    "resident_id": members[0]["resident_id"],
                    "event_date": str(_date(year, later.randrange(365))),
                    "kind": kind,
                    "hazard": hazard,
                    "direct_loss": f"{later.lognormvariate(9.0, 0.9):.2f}",
                    "house_damaged": later.random() < 0.3,
                }
            )
        if later.random() < 0.02:
            feeds["water"].append(
                {
                    "record_id": f"WA{seed}-{i}",
                    "resident_id": members[0]["resident_id"],
                    "event_date": str(_date(year, later.randrange(365))),
                    "kind": "unsafe",
                    "issue": later.choice(["quantity", "quality", "access", "guarantee_rate"]),
                }
            )
        for k, m in enumerate(members):
            if later.random() < 0.03:
                feeds["health"].append(
                    {
                        "record_id": f"HC{seed}-{i}-{k}",
                        "resident_id": m["resident_id"],
                        "event_date": str(_date(year, later.randrange(365))),
                        "kind": later.choice(["diagnosis", "hospital_stay"]),
                        "disease_category": later.choice(["major", "chronic", "other"]),
                        "days": later.randrange(1, 60),
                    }
                )
            if m["labour_capacity"] in ("full", "partial") and later.random() < 0.06:
                feeds["human-resources"].append(
                    {
                        "record_id": f"HR{seed}-{i}-{k}",
                        "resident_id": m["resident_id"],
                        "event_date": str(_date(year, later.randrange(365))),
                        "kind": later.choice(["unemployment_registered", "employment_ended", "returned_migrant"]),
                    }
                )
    # Micro-loans (扶贫小额信贷): one household in ten has one, one loan in five falls overdue.
    loans = random.Random(seed + 3)
    for i, h in enumerate(households):
        if loans.random() >= 0.1:
            continue
        head = h["household"]["members"][0]["resident_id"]
        granted = _date(year, loans.randrange(180))
        loan = {"resident_id": head, "loan_id": f"L{seed}-{i}", "amount": f"{loans.choice([20000, 30000, 50000])}.00"}
        feeds["finance"].append(
            {**loan, "record_id": f"FI{seed}-{i}-1", "event_date": str(granted), "kind": "loan_granted"}
        )
        if loans.random() < 0.2:
            feeds["finance"].append(
                {
                    **loan,
                    "record_id": f"FI{seed}-{i}-2",
                    "event_date": str(min(granted + dt.timedelta(days=loans.randrange(90, 180)), today())),
                    "kind": "loan_overdue",
                    "overdue_days": loans.randrange(1, 120),
                }
            )
    return feeds


def synth_regional(county: str, households: list[dict[str, Any]], seed: int, year: int) -> list[dict[str, Any]]:
    """A year of the county's monthly farm-product prices (one product falls sharply in the autumn) and a
    project in some of the villages (a few fail), for the scale-level scan."""
    rng = random.Random(seed + 4)
    out: list[dict[str, Any]] = []
    for code, product, unit, base in (("HOG", "生猪", "元/公斤", 18.0), ("CORN", "玉米", "元/公斤", 2.6),
                                      ("WALNUT", "核桃", "元/公斤", 22.0)):  # fmt: skip
        price = base
        for month in range(1, 13):
            if dt.date(year, month, 15) > today():
                break
            price *= rng.uniform(0.97, 1.03) * (0.7 if code == "HOG" and month == 10 else 1.0)
            out.append(
                {
                    "kind": "price",
                    "source": "agriculture",
                    "record_id": f"PR{seed}-{code}-{month}",
                    "region_code": county,
                    "observed_on": f"{year}-{month:02d}-15",
                    "product": product,
                    "unit": unit,
                    "price": f"{price:.2f}",
                }
            )
    villages = sorted({h["household"]["region_code"] for h in households})
    for i, village in enumerate(villages):
        if rng.random() < 0.5:
            status = "failed" if rng.random() < 0.2 else "running"
            out.append(
                {
                    "kind": "project",
                    "source": "rural-revitalisation",
                    "record_id": f"PJ{seed}-{i}",
                    "region_code": village,
                    "observed_on": str(_date(year, rng.randrange(365))),
                    "name": f"村集体产业项目{i + 1}",
                    "status": status,
                    "households": rng.randrange(3, 40),
                }
            )
    return out


async def simulate(
    intake: httpx.AsyncClient,
    screening: httpx.AsyncClient,
    *,
    county: str,
    households: int,
    seed: int,
    year: int,
    progress: bool = True,
) -> Summary:
    settings = CommonSettings()
    officer = {
        "Authorization": "Bearer " + issue_token(settings, sub="simulator", role="county_officer", region=county)
    }
    summary = Summary()
    data = synth_households(county, households, seed, year)
    quiet = not (progress and sys.stderr.isatty())  # bars on a terminal only, never into a log
    for h in tqdm(data, desc="households", unit="hh", disable=quiet):
        r = await intake.post("/households", json=h["household"], headers=officer)
        if r.status_code == 409:
            summary.already_registered += 1
            continue
        r.raise_for_status()
        summary.registered += 1
        first = {**officer, "If-None-Match": "*"}  # a household just registered: the year's first income
        income = await intake.put(f"/households/{r.json()['id']}/incomes/{year}", json=h["income"], headers=first)
        income.raise_for_status()
    for department, records in tqdm(synth_feeds(data, seed, year).items(), desc="feeds", disable=quiet):
        token = issue_token(settings, sub=f"{department}-system", role="department", region="", department=department)
        body = "\n".join(json.dumps(r, ensure_ascii=False) for r in records).encode()
        r = await screening.post(
            f"/feeds/{department}/uploads",
            content=body,
            timeout=120,
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/x-ndjson"},
        )
        r.raise_for_status()
        u = r.json()["upload"]
        summary.records[department] = {k: u[k] for k in ("accepted", "duplicate", "rejected")}
    office = issue_token(settings, sub="agriculture-system", role="department", region=county, department="agriculture")
    r = await screening.post(
        "/regional-records",
        json={"records": synth_regional(county, data, seed, year)},
        headers={"Authorization": f"Bearer {office}"},
    )
    r.raise_for_status()
    summary.regional = r.json()
    return summary
