"""A household as the DCI social registry's entities (`spdci/api-standards`, `extensions/social/Group.yaml`):
a `Group` whose `member_list` holds its `Member`s. What another registry may know is what it knew before
this mapping, no more: no name, no resident ID, no phone, no birth date, no health, only under the household's
consent to sharing, within the caller's jurisdiction, each record an audited read (`service`).

Field by field (`docs/registry-gateway.md` says the same for integrators):
- `@type` "Group", `@id` `urn:safetynet:household:<household_no>`;
- `group_identifier`: one Identifier, `identifier_type` "HOUSEHOLD_NO" (户编号), the value the register keys on;
- `group_type`: "household" (a 农户, the unit monitored); `group_size`: its active members;
- `place`: a Place with the statistical division code (`region_code`) and its name (`address_region`);
- `member_list`: one Member per active member, with `relationship_head` (户主, 配偶, 子女...) only;
- extensions (the standard allows a registry's own attributes): `category` (户类型), `monitoring_status`
  (registered | monitored | eliminated) and `monitoring_status_zh`, `assistance_status`, `object_type` (the
  latest approved case's target type: 脱贫不稳定户, 边缘易致贫户, 突发严重困难户), `risks` (its risk
  categories), `consent` (the household's consent to sharing the answer rests on: id, scope, expiry).
Identifier types a query may use: `UIN` (the standard's unique identification number: the 18-character
resident ID, 居民身份证号, also read as `RESIDENT_ID`) and `HOUSEHOLD_NO`; BRN, MRN, DRN (civil registration's
numbers) are not held by this register."""

from typing import Any

from intake.registry.answers import Records
from intake.registry.schemas import MonitoringRecord

CONTEXT = {
    "@vocab": "https://schema.spdci.org/extensions/social/v1/",
    "common": "https://schema.spdci.org/common/v1/",
    "safetynet": "https://safetynet.example/dci/v1/",
}


def group(record: MonitoringRecord) -> dict[str, Any]:
    extensions = {
        "category": record.category,
        "monitoring_status": record.status,
        "monitoring_status_zh": record.status_zh,
        "assistance_status": record.assistance_status,
        "object_type": record.object_type,
        "risks": record.risks,
        "consent": record.consent.model_dump(mode="json"),
    }
    return {
        "@type": "Group",
        "@id": f"urn:safetynet:household:{record.household_no}",
        "group_identifier": [
            {"@type": "Identifier", "identifier_type": "HOUSEHOLD_NO", "identifier_value": record.household_no}
        ],
        "group_type": "household",
        "group_size": len(record.relations),
        "place": {"@type": "Place", "region_code": record.region_code, "address_region": record.region_name or ""},
        "member_list": [{"@type": "Member", "relationship_head": relation} for relation in record.relations],
        **{k: v for k, v in extensions.items() if v is not None},
    }


def records(found: list[MonitoringRecord]) -> Records:
    """`reg_records`, one object as RegistryRecord is: the Groups as a JSON-LD graph."""
    return Records(context=CONTEXT, graph=[group(r) for r in found])


def stored(record: dict[str, Any]) -> MonitoringRecord:
    """A record as a notification stored it (before the Group mapping, members were not kept)."""
    return MonitoringRecord.model_validate(record)
