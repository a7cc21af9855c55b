from common.auth import Role

OFFICERS = (Role.village_cadre, Role.township_officer, Role.county_officer, Role.auditor, Role.admin)
