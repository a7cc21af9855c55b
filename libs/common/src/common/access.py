"""Who may do what: every route's access is one of the named dependencies below, so the table an auditor
asks for ("who can read a household's file? who can approve?") is this one file. A guard test walks every
route of every service and refuses a route whose access is not named here.

Three layers, each applied by one mechanism:
- the route: a role may call it at all (the names below);
- the object: it lies within the caller's jurisdiction (`readable` and `within` for queries,
  `common.auth.ensure_household` for one object), and a household account sees only its own household;
  outside, the answer is 404, the same as for an object that does not exist;
- the step: a procedure says which roles take which step (`common.procedure`).
"""

from typing import Annotated, Any

from fastapi import Depends, Path
from sqlalchemy import ColumnElement, Select, and_, false, select

from common.auth import CurrentPrincipal, Principal, Role, jurisdiction_clause, require_roles
from common.errors import Forbidden, NotFound
from contracts.dept import DEPARTMENT_ZH, DEPT_CONTRACTS

# Role sets by what they are for; each has the same meaning in every service.
WORKERS = (Role.village_cadre, Role.township_officer, Role.county_officer, Role.admin)
"""Do the work of the mechanism: register, record, declare, propose, follow up."""
OVERSEERS = (*WORKERS, Role.auditor)
"""Read work queues and case files: the workers, and auditors (who read and never write)."""
HOUSEHOLD_AND_OVERSEERS = (Role.household, *OVERSEERS)
"""A household's own data: the household itself (its own only), and the overseers."""
ABOVE_VILLAGE = (Role.township_officer, Role.county_officer, Role.auditor, Role.admin)
"""What the village does not see: asset-check evidence, regional risk, the whole archive of a household."""
DISCLOSERS = (Role.township_officer, Role.county_officer, Role.admin)
"""May see a full resident ID number (each disclosure is an audited read)."""
COUNTY = (Role.county_officer, Role.admin)
"""County decisions: approvals in batch, monitoring lines, the jurisdiction's measures, regional scans."""
AUDITORS = (Role.auditor, Role.admin)
ANYONE = tuple(Role)


def _may(*roles: Role) -> Any:
    return Annotated[Principal, require_roles(*roles)]


Authenticated = CurrentPrincipal
"""Any valid token; used where a procedure decides per step who may act (its roles are declared there)."""

# intake
HouseholdsRead = _may(*HOUSEHOLD_AND_OVERSEERS)
HouseholdsLookup = _may(*WORKERS)
HouseholdsWrite = _may(*WORKERS)
ResidentIdsDisclose = _may(*DISCLOSERS)
ConsentsRead = _may(*HOUSEHOLD_AND_OVERSEERS)
ConsentsSign = _may(Role.household, *WORKERS)
CasesRead = _may(*HOUSEHOLD_AND_OVERSEERS)
CasesApprove = _may(*COUNTY)
ImportsRun = _may(*COUNTY)  # bringing a county's existing households in is the county office's act
ImportsRead = _may(*ABOVE_VILLAGE)
FindingsRecord = _may(Role.township_officer, Role.county_officer, Role.admin)  # who establishes 查实
NoticesRead = _may(*WORKERS)
CalendarRead = _may(*ANYONE)
RegionsRead = _may(*ANYONE)
CalendarWrite = _may(Role.admin)

# screening
ProjectionsRead = _may(*OVERSEERS)
PoliciesRead = _may(*OVERSEERS, Role.department)
PoliciesPublish = _may(*COUNTY)
AlertsRead = _may(*OVERSEERS)
AlertsWork = _may(*WORKERS)
ChecksRead = _may(*ABOVE_VILLAGE)
RegionalRead = _may(*ABOVE_VILLAGE)
RegionalScan = _may(*COUNTY)
# Price and project records come from the offices that keep them (department accounts) or the county.
RegionalRecordsWrite = _may(Role.department, *COUNTY)
FeedsAudit = _may(*AUDITORS)
SweepsPlan = _may(Role.township_officer, Role.county_officer, Role.admin)
SweepsVisit = _may(*WORKERS)
SweepsRead = _may(*OVERSEERS)


async def feed_writer(department: Annotated[str, Path(pattern=r"^[a-z-]+$")], principal: CurrentPrincipal) -> str:
    """Department accounts write only their own department's feed (admins any)."""
    if department not in DEPT_CONTRACTS:
        raise NotFound(f"No feed {department!r}; feeds: {', '.join(DEPT_CONTRACTS)}", zh="没有此部门的数据通道")
    if principal.role == Role.admin or (principal.role == Role.department and principal.department == department):
        return department
    raise Forbidden(
        f"Only the {department} department account may write this feed",
        zh=f"只有{DEPARTMENT_ZH[department]}部门的账号可以写入此数据通道",
    )


FeedsWrite = Annotated[str, Depends(feed_writer)]

# Other registries (DCI social-registry gateway): department systems, answered within their jurisdiction.
RegistryGateway = _may(Role.department, Role.admin)
DepartmentIdentifiersRead = _may(Role.department, Role.admin)

# assistance
MonitoredRead = _may(*OVERSEERS)
# A household reads its own plan and measures (the reads are of its own data); officers their jurisdiction's.
PlansRead = _may(*HOUSEHOLD_AND_OVERSEERS)
PlansWrite = _may(*WORKERS)
# Objections to the measures' public notice, as to the other notices: the household's own too.
PlansObject = _may(Role.household, *WORKERS)
CatalogueRead = _may(*OVERSEERS)
CatalogueWrite = _may(*COUNTY)
FollowUpRead = _may(*OVERSEERS)
# The follow-up ledger (帮扶台账) is kept by the village and the township who visit the household.
FollowUpWrite = _may(Role.village_cadre, Role.township_officer, Role.admin)
EliminationsRead = _may(*OVERSEERS)
EliminationsWrite = _may(*WORKERS)
EliminationsObject = _may(Role.household, *WORKERS)
EliminationsApprove = _may(*COUNTY)
ReportsRead = _may(*OVERSEERS)
# The lists pushed to the departments, and what they report back carried out.
DepartmentListRead = _may(Role.department, *OVERSEERS)
# The heads' names and ID numbers the ledger prints on a form: whoever may draw the form (`ArchiveRead`).
PrintedHeadsRead = _may(*ABOVE_VILLAGE)
DepartmentReportWrite = _may(Role.department, Role.township_officer, Role.county_officer, Role.admin)

# ledger
LogAudit = _may(*AUDITORS)
ArchiveRead = _may(*ABOVE_VILLAGE)
# Who read a household's personal data: the household itself (PIPL 第四十四条、第四十五条) and those above it.
AccessLogRead = _may(*HOUSEHOLD_AND_OVERSEERS)
# The app's delta feed: the cadres' and officers' jurisdiction, a household's own.
ChangesRead = _may(*HOUSEHOLD_AND_OVERSEERS)
RetentionRead = _may(*ANYONE)
# Entering the records in the national system is the county's (and a township's for its own) work.
NationalExportWrite = _may(Role.township_officer, Role.county_officer, Role.admin)
NationalExportRead = _may(Role.township_officer, Role.county_officer, *AUDITORS)


def within(model: Any, principal: Principal, owner: Any = None, region: Any = None) -> ColumnElement[bool]:
    """The condition on `model`'s rows the caller may read: within the jurisdiction (the model's
    `region_code`, or the `region` expression given, such as a field of a logged event), and for a household
    account only its own household's (`owner`, default the model's `household_id`)."""
    clause = jurisdiction_clause(region if region is not None else model.region_code, principal)
    if principal.role == Role.household:
        owner = owner if owner is not None else getattr(model, "household_id", None)
        if owner is None:
            return false()
        clause = and_(clause, owner == principal.household_id)
    return clause


def readable(model: Any, principal: Principal, owner: Any = None) -> Select[Any]:
    """The rows of `model` the caller may read (see `within`): the start of every list query."""
    return select(model).where(within(model, principal, owner))


def named_dependencies() -> dict[Any, str]:
    """The dependency function behind each name above (the guard test matches routes against it)."""
    out: dict[Any, str] = {}
    for name, value in globals().items():
        for meta in getattr(value, "__metadata__", ()):
            dep = getattr(meta, "dependency", None)
            if dep is not None:
                out[dep] = name
    return out
