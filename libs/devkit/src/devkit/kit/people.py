"""The people of the test county, as bearer-token headers: one name per person, in every test."""

from devkit.kit.households import COUNTY, SETTINGS, TOWNSHIP_A, headers
from devkit.testing.fixtures import auth

# Each officer's login carries their name (the identity provider's `name` claim), as the dossier shows it.
CADRE = headers("village_cadre", TOWNSHIP_A, sub="cadre-zhang", name="张卫东")
TOWNSHIP = headers("township_officer", TOWNSHIP_A, sub="township-li", name="李明")
COUNTY_OFFICER = headers("county_officer", COUNTY, sub="county-wang", name="王强")
AUDITOR = auth(SETTINGS, "auditor", "", sub="auditor-qian")
ADMIN = auth(SETTINGS, "admin", "")


def department(name: str) -> dict[str, str]:
    """A department system's account, which writes its own feed only."""
    return auth(SETTINGS, "department", "", sub=f"{name}-system", department=name)


MEDICAL = department("medical-insurance")
HOUSING = department("housing")
