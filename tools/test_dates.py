"""`make test-dates`: the date-sensitive tests, with the whole machine's clock moved to instants where dates go
wrong (ADR 0016). libfaketime (Debian's `faketime`) moves Python, the embedded PostgreSQL and the broker alike:
an offset from now, which every child process keeps (an absolute start would reset in each child).

    python tools/test_dates.py                         # every instant below, then the real date
    python tools/test_dates.py 2027-03-15T09:00+08:00  # one instant of your choosing (Beijing time unless given)
"""

import datetime as dt
import os
import shutil
import subprocess
import sys
from pathlib import Path

from common import clock

ROOT = Path(__file__).resolve().parents[1]
CST = clock.CST
INSTANTS = [
    "2026-12-01T00:30",  # 00:30 Beijing time on the 1st: still the previous day, and month, in UTC
    "2026-12-31T23:50",  # the last minutes of the year: the new year is ten minutes away in Beijing
    "2027-06-15T10:00",  # a working day of a year without an official holiday calendar: deadlines are assumed
    "2028-02-29T12:00",  # a leap day
]
# What depends on the date: the identification, the plan's review and notice, the elimination, the monthly
# reports, the forms and the dossier, sweeps, deadlines, the working-day calendar; and the walkthrough.
TESTS = [
    "libs/common/tests/test_workdays_regions.py",
    "libs/common/tests/test_procedure.py",
    "services/intake/tests/test_cases.py",
    "services/intake/tests/test_step_dates.py",
    "services/intake/tests/test_calendar.py",
    "services/intake/tests/test_jurisdiction_variants.py",
    "services/screening/tests/test_sweeps.py",
    "services/screening/tests/test_alerts.py",
    "services/screening/tests/test_current_year.py",
    "services/assistance/tests/test_plan_review.py",
    "services/assistance/tests/test_elimination.py",
    "services/assistance/tests/test_follow_up.py",
    "services/assistance/tests/test_beijing_boundaries.py",
    "services/ledger/tests/test_forms.py",
    "tests/e2e/test_walkthrough.py",
]


def instant(text: str) -> dt.datetime:
    at = dt.datetime.fromisoformat(text)
    return at if at.tzinfo else at.replace(tzinfo=CST)


def run_at(at: dt.datetime | None, pytest_args: list[str]) -> int:
    command = [str(ROOT / ".venv/bin/pytest"), "-p", "no:cacheprovider", "-q", *pytest_args, *TESTS]
    env = dict(os.environ)
    if at is not None:
        offset = int(at.timestamp() - clock.timestamp())  # from the machine's time: this process is not moved
        command = ["faketime", "-f", f"{offset:+d}s", *command]
        env["FAKETIME_DONT_RESET"] = "1"
    label = at.astimezone(CST).strftime("%Y-%m-%d %H:%M Beijing time") if at else "the real date"
    print(f"== {label}: {' '.join(command[:3]) if at else 'pytest'} ...", flush=True)
    return subprocess.call(command, cwd=ROOT, env=env)  # noqa: S603


def main(argv: list[str]) -> int:
    if shutil.which("faketime") is None:
        print(
            "make test-dates needs libfaketime: apt-get install faketime (Debian's package moves every process it "
            "starts, PostgreSQL and the broker included)",
            file=sys.stderr,
        )
        return 2
    chosen = [a for a in argv if not a.startswith("-")]
    pytest_args = [a for a in argv if a.startswith("-")]
    instants: list[dt.datetime | None] = [instant(a) for a in chosen] if chosen else [*map(instant, INSTANTS), None]
    failed = [at for at in instants if run_at(at, pytest_args) != 0]
    for at in failed:
        print(f"FAILED at {at.isoformat() if at else 'the real date'}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
