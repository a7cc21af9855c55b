"""Who may do what in intake (routes check roles; services check jurisdiction on every object)."""

from common.auth import Role

OFFICERS = (Role.village_cadre, Role.township_officer, Role.county_officer, Role.admin)
READERS = (Role.household, *OFFICERS, Role.auditor)
DISCLOSERS = (Role.township_officer, Role.county_officer, Role.admin)  # may see a full resident ID
