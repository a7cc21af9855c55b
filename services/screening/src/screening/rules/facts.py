"""What the rules read and answer: a household's profile, its department records, the policy's limits, and a
finding with its explanation; and the money formats the explanations share."""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from common.vocabulary import DETAIL_VALUE_ZH, zh


@dataclass(frozen=True)
class Record:
    ref: str  # department:record_id@revision
    department: str
    id_index: str
    year: int
    facts: dict[str, Any]
    on: dt.date | None = None  # the record's event date (which of a member's records is the latest)


@dataclass(frozen=True)
class Income:
    year: int
    per_capita: Decimal
    total: Decimal
    rigid_expense: Decimal


@dataclass(frozen=True)
class Profile:
    members: list[dict[str, Any]]
    incomes: dict[int, Income]


@dataclass(frozen=True)
class Limits:
    policy_ref: str
    monitoring_line: Decimal | None  # None: the pack's document states no line, so no income is judged by one
    rigid_expense_ratio: Decimal
    income_drop_ratio: Decimal
    medical_oop_threshold: Decimal
    medical_oop_income_share: Decimal
    rules: dict[str, dict[str, Any]]
    income_year_offset: int = 0  # which year's income a screening year judges (-1: the previous year's)
    verification_working_days: int = 10  # an alert's grassroots verification is due within these
    higher_education_oop: Decimal = Decimal(10000)  # a student's out-of-pocket cost that counts as high
    disaster_loss: Decimal = Decimal(10000)  # a direct loss in a disaster or accident that raises an alert
    hospital_stay_days: int = 30  # a year's days in hospital that raise an alert
    microloan_overdue_days: int = 30  # the days past due at which a micro-loan raises an alert
    policy_ref_zh: str = ""  # the same reference, worded for the cadre who verifies the alert


@dataclass(frozen=True)
class Finding:
    rule: str
    explanation: str
    evidence: list[str] = field(default_factory=list)
    # The same explanation in Chinese: the cadre who verifies the alert on the spot reads this one.
    explanation_zh: str = ""


def _cny(x: Decimal) -> str:
    return f"{x:,.2f} CNY"


def _yuan(x: Decimal) -> str:
    return f"{x:,.2f}元"


def _basis(lim: Limits) -> str:
    return f"（依据：{lim.policy_ref_zh}）" if lim.policy_ref_zh else ""


def _certificate_zh(r: Record) -> str:
    return f"残疾证（{zh(DETAIL_VALUE_ZH, r.facts['category'])}{r.facts['grade']}级）"
