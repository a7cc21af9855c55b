"""Rows grouped into households and checked as registration checks them (HouseholdCreate: the village code,
the household number, one head, distinct and valid resident IDs), with their monitoring history. A household
is taken whole or refused whole: one bad member row refuses its household, every row of it named."""

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from intake.households.schemas import HouseholdCreate
from intake.imports import mapping
from intake.imports.mapping import FIELD_ZH, Refused, Row

MEMBER_FIELDS = ("name", "resident_id", "relation", "labour_capacity", "health", "phone")


@dataclass
class History:
    object_type: str | None
    identified_on: dt.date
    risks: list[dict[str, Any]]
    measures: list[dict[str, Any]]
    eliminated_on: dt.date | None


@dataclass
class Parsed:
    """A household's rows: the body registration would take and its history, or why it is refused."""

    first_row: int
    rows: list[int]
    household_no: str
    region_code: str
    body: HouseholdCreate | None = None
    history: History | None = None
    refusals: dict[int, str] = field(default_factory=dict)  # row -> reason, when refused


def grouped(rows: Iterable[Row | tuple[int, str]]) -> Iterator[Parsed]:
    """Households in file order, each of consecutive rows with the same 户编号 and village code. A household
    whose rows are not together is refused where it reappears (its rows cannot be told apart from a
    second household with the same number)."""
    seen: set[tuple[str, str]] = set()
    current: list[Row] = []
    unreadable: dict[int, str] = {}
    for row in rows:
        if isinstance(row, tuple):
            unreadable[row[0]] = row[1]
            continue
        if current and not _same(current[0], row):
            yield _parsed(current, seen)
            seen.add(_key(current[0]))
            current = []
        current.append(row)
    if current:
        yield _parsed(current, seen)
    for number, reason in sorted(unreadable.items()):
        yield Parsed(number, [number], "", "", refusals={number: reason})


def _key(row: Row) -> tuple[str, str]:
    return row.cells.get("region_code", ""), row.cells.get("household_no", "")


def _same(first: Row, row: Row) -> bool:
    """Every row carries its 户编号; the village code may be left blank after the household's first row."""
    region = row.cells.get("region_code")
    return row.cells.get("household_no") == first.cells.get("household_no") and region in (None, _key(first)[0])


def _parsed(rows: list[Row], seen: set[tuple[str, str]]) -> Parsed:
    region_code, household_no = _key(rows[0])
    parsed = Parsed(rows[0].number, [r.number for r in rows], household_no, region_code)
    try:
        if (region_code, household_no) in seen:
            raise Refused("同一户的各行须连续排列：该户编号在前文已出现")
        parsed.body, parsed.history = _checked(rows)
    except Refused as exc:
        parsed.refusals = {r.number: str(exc) for r in rows}
    return parsed


def _checked(rows: list[Row]) -> tuple[HouseholdCreate, History | None]:
    household: dict[str, str] = {}
    for row in rows:
        for name in mapping.REQUIRED:
            if name not in row.cells and (name not in mapping.HOUSEHOLD_FIELDS or row is rows[0]):
                raise Refused(f"第 {row.number} 行「{FIELD_ZH[name]}」未填写")
        for name in mapping.HOUSEHOLD_FIELDS:
            value = row.cells.get(name)
            if value is None:
                continue
            if household.setdefault(name, value) != value:
                raise Refused(f"第 {row.number} 行「{FIELD_ZH[name]}」与本户第一行不一致")
    members = [_member(r) for r in rows]
    body = {
        "region_code": household["region_code"],
        "household_no": household["household_no"],
        "address": household["address"],
        "category": mapping.word(mapping.CATEGORY, household["category"], "category"),
        "members": members,
    }
    try:
        checked = HouseholdCreate.model_validate(body)
    except ValidationError as exc:
        raise Refused(_zh(exc, rows)) from None
    return checked, _history(household)


def _member(row: Row) -> dict[str, Any]:
    c = row.cells
    member: dict[str, Any] = {
        "name": c["name"],
        "resident_id": c["resident_id"],
        "relation": mapping.word(mapping.RELATION, c["relation"], "relation"),
        "labour_capacity": mapping.word(mapping.LABOUR, c["labour_capacity"], "labour_capacity"),
    }
    if "health" in c:
        member["health"] = mapping.word(mapping.HEALTH, c["health"], "health")
    if "phone" in c:
        member["phone"] = c["phone"]
    return member


def _history(household: dict[str, str]) -> History | None:
    if "identified_on" not in household:
        for name in ("object_type", "risks", "measures", "eliminated_on"):
            if name in household:
                raise Refused(f"填写了「{FIELD_ZH[name]}」却未填写「纳入监测时间」")
        return None
    identified_on = mapping.day(household["identified_on"], "identified_on")
    eliminated_on = mapping.day(household["eliminated_on"], "eliminated_on") if "eliminated_on" in household else None
    if eliminated_on is not None and eliminated_on < identified_on:
        raise Refused("「风险消除时间」早于「纳入监测时间」")
    measures = mapping.measures(household.get("measures", ""))
    if any(m["started_on"] < identified_on for m in measures):
        raise Refused("「帮扶措施」的开始日期早于「纳入监测时间」")
    object_type = household.get("object_type")
    return History(
        object_type=mapping.word(mapping.OBJECT_TYPE, object_type, "object_type").value if object_type else None,
        identified_on=identified_on,
        risks=mapping.risks(household.get("risks", "")),
        measures=measures,
        eliminated_on=eliminated_on,
    )


def _zh(exc: ValidationError, rows: list[Row]) -> str:
    """Registration's refusal in the words of the file: the column and the row."""
    reasons = []
    for error in exc.errors():
        loc = error["loc"]
        if len(loc) >= 3 and loc[0] == "members" and isinstance(loc[1], int):
            name = str(loc[2])
            reasons.append(f"第 {rows[loc[1]].number} 行「{FIELD_ZH.get(name, name)}」{_why(name, error)}")
        elif loc and loc[0] in FIELD_ZH:
            reasons.append(f"「{FIELD_ZH[str(loc[0])]}」{_why(str(loc[0]), error)}")
        else:
            reasons.append(_household_rule(error["msg"]))
    return "；".join(reasons)


def _why(name: str, error: Any) -> str:
    msg = str(error.get("msg", ""))
    if name == "resident_id":
        if "check digit is wrong" in msg:
            return "校验位错误"
        if "birthplace" in msg:
            return "出生地代码不存在"
        if "birth date" in msg:
            return "出生日期无效"
        return "不是有效的18位身份证号码"
    if name == "phone":
        return "不是有效的手机号或带区号的固定电话"
    if name == "region_code":
        return "不是已知的12位村级区划代码"
    if name == "household_no":
        return "只能由数字、字母和连字符组成，最长40位"
    return "填写有误"


def _household_rule(msg: str) -> str:
    if "head" in msg:
        return "每户须有且只有一名户主"
    if "resident" in msg.lower() or "distinct" in msg:
        return "同一户内身份证号码重复"
    return "户信息填写有误"
