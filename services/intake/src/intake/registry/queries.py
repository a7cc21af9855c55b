"""A DCI search's criteria as a query over the households: by identifier (`idtype-value`), by a NoSql-like
expression (ExpTemplate) or by a list of predicates (ExpPredicateWithCondition), over the attributes a
register of households at risk holds. The query's shape decides how it is read, not `query_type`: the
standard's own samples send predicates under `expression`.

Attributes (`attribute_name`, or an expression's key), and the operators each takes:
- `UIN` / `RESIDENT_ID`: a member's resident ID (eq); `HOUSEHOLD_NO`: 户编号 (eq, in);
- `region` / `region_code` / `location`: the household's region code or a prefix of it (eq, in);
- `monitoring_status` / `status`: registered, monitored, eliminated (eq, in);
- `category`: the household's category (eq, in); `risk` / `risk_type`: a risk of its latest approved case (eq, in);
- `group_size` / `household_size`: its active members (eq, gt, ge, lt, le, in).
Any other attribute is not one this register holds: the request is answered `rjct.filter.invalid` (a filter
left out would answer more than was asked). Sorting is by `household_no`, `region`, `group_size` or
`registration_date`; a sort on another attribute is ignored (the order is then by `household_no`)."""

from collections.abc import Callable
from typing import Any

from pydantic import ValidationError
from sqlalchemy import ColumnElement, and_, func, not_, or_, select, true

from common.pii import normalize_resident_id
from intake.cases.models import Case
from intake.crypto import cipher
from intake.households.models import Household, Member
from intake.households.service import ID_FIELD
from intake.registry.schemas import ExpPredicate, ExpPredicateWithCondition, ExpTemplate, IdQuery, SearchSort

Clause = ColumnElement[bool]
MAX_GROUP_SIZE = 1000  # a bound on what is compared, far above any household: not a policy number
OPS = {"$eq": "eq", "$lt": "lt", "$gt": "gt", "$le": "le", "$lte": "le", "$ge": "ge", "$gte": "ge", "$in": "in"}


class Unsupported(ValueError):
    """A criterion this register cannot answer: its reason code and message."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def _values(op: str, value: Any) -> list[str]:
    values = value if isinstance(value, list) else [value]
    if op not in ("eq", "in") or not values or len(values) > 50:
        raise Unsupported("rjct.filter.invalid", f"operator {op!r} with {value!r} is not one this attribute takes")
    return [str(v) for v in values]


def _resident_id(op: str, value: Any) -> Clause:
    indexes = []
    for v in _values(op, value):
        try:
            indexes.append(cipher.blind_index(normalize_resident_id(v), ID_FIELD))
        except ValueError:
            continue  # not a resident ID: it names no one
    members = select(Member.household_id).where(Member.id_index.in_(indexes), Member.active)
    return Household.id.in_(members)


def _region(op: str, value: Any) -> Clause:
    prefixes = _values(op, value)
    if not all(p.isdigit() and len(p) in (2, 4, 6, 9, 12) for p in prefixes):
        raise Unsupported("rjct.filter.invalid", "a region is a region code or a prefix of it (2-12 digits)")
    return or_(*(Household.region_code.startswith(p) for p in prefixes))


def _risk(op: str, value: Any) -> Clause:
    risks = [Case.risks.contains([{"category": v}]) for v in value]
    latest = select(Case.household_id).where(Case.state == "monitored", or_(*risks))
    return Household.id.in_(latest)


GROUP_SIZE = (
    select(func.count())
    .where(Member.household_id == Household.id, Member.active)
    .correlate(Household)
    .scalar_subquery()
)


def _compare(column: Any, op: str, value: Any) -> Clause:
    if op == "in":
        return column.in_(value if isinstance(value, list) else [value])
    if isinstance(value, list):
        raise Unsupported("rjct.filter.invalid", f"operator {op!r} takes one value")
    return {"eq": column == value, "gt": column > value, "ge": column >= value, "lt": column < value}.get(
        op, column <= value
    )


def _size(op: str, value: Any) -> Clause:
    try:
        number = [int(v) for v in value] if isinstance(value, list) else int(value)
    except (TypeError, ValueError) as e:
        raise Unsupported("rjct.filter.invalid", "a group size is a whole number") from e
    if not all(0 <= n <= MAX_GROUP_SIZE for n in (number if isinstance(number, list) else [number])):
        raise Unsupported("rjct.filter.invalid", f"a group size is 0 to {MAX_GROUP_SIZE}")
    return _compare(GROUP_SIZE, op, number)


ATTRIBUTES: dict[str, Callable[[str, Any], Clause]] = {
    "uin": _resident_id,
    "resident_id": _resident_id,
    "household_no": lambda op, v: Household.household_no.in_(_values(op, v)),
    "region": _region,
    "region_code": _region,
    "location": _region,
    "monitoring_status": lambda op, v: Household.status.in_(_values(op, v)),
    "status": lambda op, v: Household.status.in_(_values(op, v)),
    "category": lambda op, v: Household.category.in_(_values(op, v)),
    "risk": lambda op, v: _risk(op, _values(op, v)),
    "risk_type": lambda op, v: _risk(op, _values(op, v)),
    "group_size": _size,
    "household_size": _size,
}


def predicate(name: str, op: str, value: Any) -> Clause:
    found = ATTRIBUTES.get(name.lower())
    if found is None:
        raise Unsupported("rjct.filter.invalid", f"{name!r} is not an attribute this register holds")
    return found(op, value)


def _expression(query: Any, depth: int = 0) -> Clause:
    """A NoSql-like filter: `{"$and": [...]}`, `{"$or": [...]}`, `{"$not": {...}}`, `{attr: {"$op": v}}` or
    `{attr: v}`; several keys are all required."""
    if depth > 8 or not isinstance(query, dict) or not query:
        raise Unsupported("rjct.filter.invalid", "an expression is an object of conditions")
    clauses = []
    for key, value in query.items():
        if key in ("$and", "$or") and isinstance(value, list) and value:
            parts = [_expression(v, depth + 1) for v in value]
            clauses.append(and_(*parts) if key == "$and" else or_(*parts))
        elif key == "$not":
            clauses.append(not_(_expression(value, depth + 1)))
        elif isinstance(value, dict) and len(value) == 1 and next(iter(value)) in OPS:
            op, operand = next(iter(value.items()))
            clauses.append(predicate(key, OPS[op], operand))
        elif not isinstance(value, dict | list):
            clauses.append(predicate(key, "eq", value))
        else:
            raise Unsupported("rjct.filter.invalid", f"the condition on {key!r} is not one this register reads")
    return and_(*clauses)


def _one(p: ExpPredicate) -> Clause:
    return predicate(p.attribute_name, p.operator, p.attribute_value)


def _further(value: Any) -> ExpPredicate:
    try:
        return ExpPredicate.model_validate(value)
    except ValidationError as e:
        raise Unsupported("rjct.filter.invalid", "an expression is attribute_name, operator, attribute_value") from e


def _predicates(items: list[ExpPredicateWithCondition]) -> Clause:
    """Each item's expressions joined by its condition (`not`: the first and none of the others); the items
    all required."""
    clauses = []
    for item in items:
        more = [_further(v) for k, v in sorted((item.model_extra or {}).items()) if k.startswith("expression")]
        others = [_one(p) for p in ([item.expression2] if item.expression2 else []) + more]
        first = _one(item.expression1)
        if item.condition == "or":
            clauses.append(or_(first, *others))
        elif item.condition == "not":
            clauses.append(and_(first, *(not_(o) for o in others)))
        else:
            clauses.append(and_(first, *others))
    return and_(*clauses) if clauses else true()


def criteria(query: IdQuery | ExpTemplate | list[ExpPredicateWithCondition]) -> Clause:
    """The households a query names, as a condition on `Household` (jurisdiction and consent come after)."""
    if isinstance(query, IdQuery):
        if query.type.lower() not in ("uin", "resident_id", "household_no"):
            raise Unsupported("rjct.search_criteria.invalid", "identifier types: UIN (RESIDENT_ID), HOUSEHOLD_NO")
        return predicate(query.type, "eq", query.value)
    if isinstance(query, ExpTemplate):
        expression = query.value.get("expression", query.value)
        return _expression(expression.get("query") if isinstance(expression, dict) else None)
    return _predicates(query)


SORTS: dict[str, Any] = {
    "household_no": Household.household_no,
    "region": Household.region_code,
    "region_code": Household.region_code,
    "group_size": GROUP_SIZE,
    "household_size": GROUP_SIZE,
    "registration_date": Household.created_at,
}


def order(sort: list[SearchSort] | None) -> list[Any]:
    known = [(SORTS[s.attribute_name.lower()], s.sort_order) for s in sort or [] if s.attribute_name.lower() in SORTS]
    columns = [c.desc() if direction == "desc" else c.asc() for c, direction in known]
    return [*columns, Household.household_no, Household.id]
