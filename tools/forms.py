"""`make forms`: every form, report and dossier the system draws, for a demo household taken the whole way
(identified, assisted, followed, its risk eliminated), written as PDF and XLSX and rendered to PNG, page by
page, so that anyone can look at the paperwork as the officers who file it will.

Starts its own embedded PostgreSQL and broker (or uses DATABASE_URL and KAFKA_BOOTSTRAP_SERVERS), runs the
four services in this process, and needs `pdftoppm` (poppler-utils) and, for the sheets, `soffice`
(LibreOffice) and the Noto CJK fonts, from Debian's packages (`make forms` installs them when run as root, and
says which are missing otherwise).

    make forms            # into build/forms
    make forms OUT=/tmp/f
"""

import asyncio
import os
import shutil
import subprocess
import sys
import tempfile
from contextlib import AsyncExitStack
from importlib import import_module
from pathlib import Path
from typing import Any

SERVICES = ("screening", "intake", "assistance", "ledger")


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise SystemExit(f"forms: {name} not found (poppler-utils, libreoffice-calc-nogui)")
    return found


def render(document: Path, out: Path) -> list[Path]:
    """A PDF's pages as PNGs; a sheet is printed to PDF by LibreOffice first, as an officer's office would."""
    pdf = document
    if document.suffix == ".xlsx":
        subprocess.run(  # noqa: S603 (a tool found on PATH, on files this script wrote)
            [_tool("soffice"), "--headless", "--convert-to", "pdf", "--outdir", str(out / "printed"), str(document)],
            check=True,
            capture_output=True,
            timeout=180,
        )
        pdf = out / "printed" / f"{document.stem}.pdf"
    prefix = out / "png" / f"{document.stem}-{document.suffix[1:]}"
    subprocess.run([_tool("pdftoppm"), "-png", "-r", "80", str(pdf), str(prefix)], check=True, timeout=180)  # noqa: S603
    return sorted(prefix.parent.glob(f"{prefix.name}-*.png"))


async def draw(out: Path) -> list[Path]:
    from devkit.kit.assistance import monitored
    from devkit.kit.households import COUNTY, TOWNSHIP_A, VILLAGE_A
    from devkit.kit.ledger import eliminated_household
    from devkit.kit.people import COUNTY_OFFICER, TOWNSHIP
    from devkit.testing.fixtures import SCENARIO, eventually, packs_arrived, running, set_clock
    from ledger.archive.registry import REGISTRY

    # The demo household's story is the test suite's: dated from September to November 2026, told as on the
    # scenario's day (ADR 0016), so the paperwork comes out the same whatever day it is drawn.
    set_clock(SCENARIO)
    month = f"{SCENARIO:%Y-%m}"

    documents: list[Path] = []

    async def save(client: Any, path: str, name: str, headers: dict[str, str], **params: Any) -> None:
        async def drawn() -> Any:  # a list waits for its households' events to reach the ledger
            answer = await client.get(path, params=params, headers=headers)
            return answer if answer.status_code != 404 else None

        answer = await eventually(drawn, timeout=60)
        if answer.status_code != 200:
            raise SystemExit(f"{path} {params}: {answer.status_code} {answer.text}")
        documents.append(out / name)
        documents[-1].write_bytes(answer.content)

    async with AsyncExitStack() as stack:
        clients = {}
        for name in SERVICES:
            app = import_module(f"{name}.main").app
            clients[name] = await stack.enter_async_context(running(app))
            if name in ("intake", "assistance"):
                await packs_arrived(name, app)
            if name == "intake":  # the heads' names on the forms are read from this intake (INTAKE_URL deployed)
                import httpx

                from ledger.archive import heads

                heads.transport = httpx.ASGITransport(app=app)
        household = await eliminated_household(clients["intake"], clients["assistance"], clients["ledger"])
        await monitored(clients["intake"], ["schooling"], object_type="marginal")  # for 弥勒市's analysis list
        await monitored(clients["intake"], ["illness"], object_type="unstable_lifted")
        keys = {
            "village-preselection-notice": household["notice_key"],
            "elimination-notice": household["elimination_notice_key"],
            "measures-notice": household["measures_notice_key"],
            "county-approval": household["identification_approval_no"],
            "elimination-approval": household["elimination_approval_no"],
            "analysis-unstable-lifted": VILLAGE_A,
            "analysis-marginal": VILLAGE_A,
        }
        ledger, purpose = clients["ledger"], {"purpose": "示例表单"}
        for code, spec in REGISTRY.items():
            target = {"key": keys[code]} if spec.keyed_by == "key" else {"household_id": household["id"]}
            for fmt in ("pdf", "xlsx"):
                await save(ledger, f"/forms/{code}", f"{code}.{fmt}", COUNTY_OFFICER, format=fmt, **target, **purpose)
        await save(ledger, f"/households/{household['id']}/archive.pdf", "dossier.pdf", COUNTY_OFFICER, **purpose)
        for area, who in ((TOWNSHIP_A, TOWNSHIP), (COUNTY, COUNTY_OFFICER)):
            for fmt in ("pdf", "xlsx"):
                await save(
                    clients["assistance"], "/reports/monthly", f"monthly-{area}.{fmt}", who,
                    township=area, month=month, format=fmt,
                )  # fmt: skip
    return documents


def main() -> int:
    out = Path(os.environ.get("OUT") or (sys.argv[1] if len(sys.argv) > 1 else "build/forms")).resolve()
    missing = [tool for tool in ("pdftoppm", "soffice") if shutil.which(tool) is None]
    if missing:
        print(f"forms: {', '.join(missing)} not found (poppler-utils, libreoffice-calc-nogui)", file=sys.stderr)
        return 2
    shutil.rmtree(out, ignore_errors=True)
    (out / "png").mkdir(parents=True)
    os.environ.setdefault("ENVIRONMENT", "test")  # development tokens, as the demo's officers hold
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    runtime = None
    with tempfile.TemporaryDirectory(prefix="safetynet-forms-") as data:
        if not (os.environ.get("DATABASE_URL") and os.environ.get("KAFKA_BOOTSTRAP_SERVERS")):
            from devkit.runtime.embedded import EmbeddedRuntime

            runtime = EmbeddedRuntime(Path(data)).start()
            os.environ.update(runtime.env())
        try:
            documents = asyncio.run(draw(out))
        finally:
            if runtime is not None:
                runtime.stop()
    pages = [png for document in documents for png in render(document, out)]
    print(f"forms: {len(documents)} documents, {len(pages)} pages as PNG in {out / 'png'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
