"""The identification's steps as forms: what each asks, the Chinese message when a field is wrong, and the JSON
the service takes. The console checks only that a field is filled in the shape asked for; every rule of the
procedure (dates, votes, who may act) is the service's, and its refusal is shown beside the field it names.
"""

import datetime as dt
import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from common.vocabulary import CHANNEL_ZH, OBJECT_ZH, RISK_ZH, SCOPE_ZH, STEP_ZH

HEX64 = re.compile(r"^[0-9a-f]{64}$")

# Which steps each role may take, as intake's procedure declares them (cases/procedure.py): the console shows a
# person only these; the service refuses any other all the same.
ROLE_STEPS: dict[str, set[str]] = {
    "village_cadre": {"attach_consent", "household_survey", "village_review", "publish_notice"},
    "township_officer": {
        "attach_consent",
        "household_survey",
        "village_review",
        "publish_notice",
        "township_verify",
    },
    "county_officer": {"attach_consent", "county_approve"},
}
DECLARERS = {"village_cadre", "township_officer", "county_officer"}

STEP_TITLES = STEP_ZH["case"]  # the procedure's own words for its steps

# The services' own words (common.vocabulary); the declaration offers the channels a person declares by (a
# department's alert opens its case itself) and the risks that need no more than a description or an amount.
CHANNELS = {k: v for k, v in CHANNEL_ZH.items() if k != "department_alert"}
RISKS = {k: RISK_ZH[k] for k in ("illness", "unstable_employment", "industry_failure", "other")}
OBJECT_TYPES = {str(k): v for k, v in OBJECT_ZH.items()}
CONSENT_CHANNELS = {"village_committee": "村委会", "home_visit": "入户", "app": "手机应用"}
SCOPES = dict(SCOPE_ZH)


SCAN_TYPES = {"application/pdf", "image/jpeg", "image/png"}
MAX_SCAN_BYTES = 20 * 1024**2  # the services' own limit on an attachment (MAX_ATTACHMENT_BYTES' default)


@dataclass(frozen=True)
class Scan:
    content: bytes
    content_type: str
    sha256: str


class Invalid(Exception):
    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("invalid form")
        self.errors = errors


class Form:
    """The fields sent, read with a message for each one that is missing or malformed."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data
        self.errors: dict[str, str] = {}

    def text(self, name: str, label: str, required: bool = True, limit: int = 1000) -> str:
        value = self.data.get(name)
        value = value.strip() if isinstance(value, str) else ""
        if required and not value:
            self.errors[name] = f"请填写{label}"
        elif len(value) > limit:
            self.errors[name] = f"{label}不能超过{limit}个字"
        return value

    def many(self, name: str, label: str, required: bool = True) -> list[str]:
        value = self.data.get(name)
        values = value if isinstance(value, list) else [value] if isinstance(value, str) and value else []
        if required and not values:
            self.errors[name] = f"请选择{label}"
        return values

    def lines(self, name: str, label: str) -> list[str]:
        found = [line.strip() for line in self.text(name, label).splitlines() if line.strip()]
        return found

    def choice(self, name: str, label: str, options: dict[str, str]) -> str:
        value = self.text(name, label)
        if value and value not in options:
            self.errors[name] = f"请选择{label}"
        return value

    def date(self, name: str, label: str) -> str:
        value = self.text(name, label)
        if value:
            try:
                dt.date.fromisoformat(value)
            except ValueError:
                self.errors[name] = f"{label}须为日期，如 2026-09-25"
        return value

    def number(self, name: str, label: str, integer: bool = False) -> str:
        value = self.text(name, label)
        if value:
            try:
                number = Decimal(value)
            except InvalidOperation:
                self.errors[name] = f"{label}须为数字"
                return value
            if number < 0 or (integer and number != number.to_integral_value()):
                self.errors[name] = f"{label}须为{'非负整数' if integer else '非负数'}"
        return value

    def digest(self, name: str, label: str) -> str:
        value = self.text(name, label).lower()
        if value and not HEX64.match(value):
            self.errors[name] = f"请选择{label}的扫描件（浏览器将计算其SHA-256摘要）"
        elif not value:
            self.errors[name] = f"请选择{label}的扫描件"
        return value

    def done(self) -> None:
        if self.errors:
            raise Invalid(self.errors)


def risk(form: Form, household: dict[str, Any]) -> dict[str, Any]:
    category = form.choice("category", "风险类型", RISKS)
    if category == "illness":
        members = {m["id"] for m in household.get("members", [])}
        patient = form.choice("patient_member_id", "患病成员", {m: m for m in members})
        amount = form.number("out_of_pocket_medical", "当年医疗自付支出")
        return {"category": category, "patient_member_id": patient, "out_of_pocket_medical": amount}
    return {"category": category, "description": form.text("description", "风险情况说明")}


def declare(form: Form, household: dict[str, Any]) -> dict[str, Any]:
    body = {
        "household_id": household["id"],
        "channel": form.choice("channel", "申报渠道", CHANNELS),
        "risks": [risk(form, household)],
    }
    note = form.text("note", "备注", required=False, limit=2000)
    if note:
        body["note"] = note
    form.done()
    return body


async def scan(form: Form, name: str, digest_field: str, label: str) -> Scan | None:
    """The uploaded scan, once it is the file whose digest the browser computed (a file changed after, or a
    digest typed by hand that matches nothing, is refused beside the field)."""
    upload = form.data.get(name)
    digest = form.data.get(digest_field) or ""
    if upload is None or isinstance(upload, str) or not getattr(upload, "filename", ""):
        form.errors.setdefault(digest_field, f"请选择{label}的扫描件")
        return None
    content_type = (upload.content_type or "").split(";")[0].strip()
    if content_type not in SCAN_TYPES:
        form.errors[digest_field] = f"{label}的扫描件须为PDF、JPEG或PNG文件"
        return None
    content = await upload.read(MAX_SCAN_BYTES + 1)
    if len(content) > MAX_SCAN_BYTES:
        form.errors[digest_field] = f"{label}的扫描件不能超过20MB"
        return None
    if hashlib.sha256(content).hexdigest() != digest:
        form.errors[digest_field] = f"{label}的扫描件与浏览器计算的摘要不一致，请重新选择文件"
        return None
    return Scan(content, content_type, digest)


def consent(form: Form, household: dict[str, Any]) -> dict[str, Any]:
    signed_at = form.text("signed_at", "签署时间")
    try:
        when = dt.datetime.fromisoformat(signed_at).replace(tzinfo=dt.timezone(dt.timedelta(hours=8)))
    except ValueError:
        form.errors.setdefault("signed_at", "签署时间须为日期和时间")
        when = None
    members = {m["id"]: m for m in household.get("members", [])}
    signers = form.many("signer_member_ids", "签署人")
    if any(s not in members for s in signers):
        form.errors["signer_member_ids"] = "请选择本户的成员"
    body = {
        "scopes": form.many("scopes", "授权事项"),
        "signer_member_ids": signers,
        "evidence": {"kind": "scanned_form", "sha256": form.digest("sha256", "承诺授权书")},
        "channel": form.choice("consent_channel", "签署方式", CONSENT_CHANNELS),
        "signed_at": when.isoformat() if when else "",
    }
    form.done()
    return body


def survey(form: Form, _: dict[str, Any]) -> dict[str, Any]:
    body = {
        "surveyed_on": form.date("surveyed_on", "调查日期"),
        "surveyors": form.lines("surveyors", "调查人员"),
        "survey_form_sha256": form.digest("survey_form_sha256", "入户调查表"),
        "estimate_form_sha256": form.digest("estimate_form_sha256", "收支测算表"),
        "estimated_income": form.number("estimated_income", "测算年收入"),
        "estimated_expense": form.number("estimated_expense", "测算刚性支出"),
    }
    form.done()
    return body


def review(form: Form, _: dict[str, Any]) -> dict[str, Any]:
    body: dict[str, Any] = {
        "meeting_date": form.date("meeting_date", "评议日期"),
        "participants": form.lines("participants", "参加评议人员"),
        "attendees": form.number("attendees", "到会村民代表人数", integer=True),
        "votes_for": form.number("votes_for", "同意票数", integer=True),
        "votes_against": form.number("votes_against", "反对票数", integer=True),
        "minutes_sha256": form.digest("minutes_sha256", "评议记录"),
    }
    form.done()
    return {k: int(v) if k in ("attendees", "votes_for", "votes_against") else v for k, v in body.items()}  # checked


def notice(form: Form, _: dict[str, Any]) -> dict[str, Any]:
    body = {"published_on": form.date("published_on", "公示开始日期")}
    form.done()
    return body


def verify(form: Form, case: dict[str, Any]) -> dict[str, Any]:
    body = {
        "object_type": form.choice("object_type", "监测对象类型", OBJECT_TYPES),
        "channels": case["channels"],
        "risks": case["risks"],  # as declared; a different finding is recorded by a new declaration
        "decision": form.choice("decision", "审核意见", {"yes": "同意", "no": "不同意"}),
        "verified_on": form.date("verified_on", "审核日期"),
        "village_secretary": form.text("village_secretary", "村支部书记", limit=100),
        "officer_name": form.text("officer_name", "镇街干部", limit=100),
    }
    form.done()
    return body


def approve(form: Form, _: dict[str, Any]) -> dict[str, Any]:
    body = {
        "approval_no": form.text("approval_no", "批复文号", limit=100),
        "approved_on": form.date("approved_on", "批复日期"),
    }
    form.done()
    return body


@dataclass(frozen=True)
class Step:
    path: str  # under /cases/{id}
    build: Callable[[Form, dict[str, Any]], dict[str, Any]]


STEPS = {
    "household_survey": Step("household-survey", survey),
    "village_review": Step("village-review", review),
    "publish_notice": Step("public-notice", notice),
    "township_verify": Step("township-verification", verify),
    "county_approve": Step("county-approval", approve),
}


def field_of(service_field: str) -> str:
    """The form's field for a field the service names (`risks.0.out_of_pocket_medical`: its last name)."""
    parts = [p for p in service_field.split(".") if not p.isdigit()]
    last = parts[-1] if parts else service_field
    return {"evidence": "sha256", "channel": "channel", "sha256": "sha256"}.get(last, last)
