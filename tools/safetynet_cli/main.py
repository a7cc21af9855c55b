"""`safetynet`: run the system locally, issue development tokens, export the API specs."""

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from safetynet_cli.runner import CONSOLE_PORT, SERVICES, run

ROOT = Path(__file__).resolve().parents[2]
# Where `make run` keeps the embedded database and writes its addresses (SAFETYNET_DATA_DIR moves it, and every
# command that reads them follows).
DATA_DIR = Path(os.environ.get("SAFETYNET_DATA_DIR") or ROOT / ".data")


def token(args: argparse.Namespace) -> int:
    from common.auth import issue_token
    from common.settings import CommonSettings

    extra = {"household_id": args.household_id} if args.household_id else {}
    if args.department:
        extra["department"] = args.department
    print(
        issue_token(
            CommonSettings(),
            sub=args.sub or f"dev-{args.role}",
            role=args.role,
            region=args.region,
            ttl_s=args.ttl,
            **extra,
        )
    )
    return 0


def openapi(args: argparse.Namespace) -> int:
    from safetynet_cli.specs import check_specs, write_specs

    if args.check:
        stale = check_specs()
        for path in stale:
            print(f"out of date: {path} (run `make openapi`)", file=sys.stderr)
        return 1 if stale else 0
    for path in write_specs():
        print(f"wrote {path}")
    return 0


def simulate(args: argparse.Namespace) -> int:
    import asyncio

    import httpx

    from safetynet_cli.simulate import simulate as run_simulation

    async def go() -> None:
        async with (
            httpx.AsyncClient(base_url=args.intake, timeout=60) as intake,
            httpx.AsyncClient(base_url=args.screening, timeout=120) as screening,
        ):
            summary = await run_simulation(
                intake, screening, county=args.county, households=args.households, seed=args.seed, year=args.year
            )
            print(f"registered {summary.registered}, already registered {summary.already_registered}")
            for department, counts in summary.records.items():
                print(f"{department:>18}: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
            print(f"{'regional records':>18}: " + ", ".join(f"{k} {v}" for k, v in summary.regional.items()))
            raised = await _alerts_raised(screening, args.county)
            print(
                f"alerts raised in {args.county}: {raised} (GET {args.screening}/alerts with a county officer's token)"
            )

    asyncio.run(go())
    return 0


async def _alerts_raised(screening: Any, county: str) -> int:
    """The county's open alerts once the feeds have been worked through (the count stops changing)."""
    import asyncio

    from common.auth import issue_token
    from common.settings import CommonSettings

    headers = {
        "Authorization": "Bearer "
        + issue_token(CommonSettings(), sub="simulator", role="county_officer", region=county)
    }
    last, steady = -1, 0
    for _ in range(120):
        count, cursor = 0, None
        while True:
            params = {"limit": 500, **({"cursor": cursor} if cursor else {})}
            answer = await screening.get("/alerts", params=params, headers=headers)
            answer.raise_for_status()
            page = answer.json()
            count += len(page["items"])
            if not (cursor := page.get("next_cursor")):
                break
        steady = steady + 1 if count == last else 0
        if steady >= 3:
            return count
        last = count
        await asyncio.sleep(1)
    return last


def _local(name: str) -> str | None:
    """What a running `make run` wrote of its embedded servers (`broker.address`, `database.url`), if any."""
    path = DATA_DIR / name
    return path.read_text().strip() if path.exists() else None


def _local_broker() -> str | None:
    return _local("broker.address")


def _local_service(name: str, default: str) -> str:
    """A service's address: the one a running `make run` wrote (`services.env`), else the default port."""
    lines = (_local("services.env") or "").splitlines()
    found = dict(line.split("=", 1) for line in lines if "=" in line)
    return found.get(name.upper(), default)


def import_file(args: argparse.Namespace) -> int:
    from common.auth import issue_token
    from common.settings import CommonSettings
    from safetynet_cli.imports import run_import

    return run_import(args, args.token or issue_token(CommonSettings(), sub="dev-import", role="county_officer",
                                                      region=args.region, ttl_s=8 * 3600))  # fmt: skip


def tail(args: argparse.Namespace) -> int:
    """Print a topic's events from the beginning (optionally one household's), until it is idle, or as they
    come with --follow."""
    import asyncio
    import json

    from aiokafka import AIOKafkaConsumer

    from common.messaging.kafka import broker_topics

    if not args.bootstrap:
        print("no broker: set KAFKA_BOOTSTRAP_SERVERS, or start `make run` here", file=sys.stderr)
        return 2

    async def read() -> int:
        topics = await broker_topics(args.bootstrap)
        if topics is None:
            print(f"the broker at {args.bootstrap} does not answer", file=sys.stderr)
            return 2
        if args.topic not in topics:
            known = ", ".join(sorted(t for t in topics if not t.startswith("__")))
            print(f"no topic {args.topic!r} on the broker; its topics: {known}", file=sys.stderr)
            return 2
        consumer = AIOKafkaConsumer(
            args.topic,
            bootstrap_servers=args.bootstrap,
            group_id=None,
            auto_offset_reset="earliest",
            enable_auto_commit=False,
        )
        await consumer.start()
        try:
            while True:
                batch = await consumer.getmany(timeout_ms=int(args.idle * 1000))
                if not batch and not args.follow:
                    return 0
                for record in (r for records in batch.values() for r in records):
                    event = json.loads(record.value or b"{}")
                    if args.subject in (None, event.get("subject")):
                        print(
                            f"{record.partition}:{record.offset} {event.get('time')} {event.get('type')} "
                            f"subject={event.get('subject')}",
                            flush=True,
                        )
                        if args.data:
                            print(json.dumps(event.get("data"), ensure_ascii=False, indent=2), flush=True)
        finally:
            await consumer.stop()

    try:
        return asyncio.run(read())
    except KeyboardInterrupt:
        return 0


def ledger_verify(args: argparse.Namespace) -> int:
    """Recompute the ledger's tree from the database and check every signed checkpoint (and, with
    --witness, every checkpoint an auditor kept outside the database)."""
    import asyncio
    import json

    from common.db import asyncpg_dsn
    from ledger.checkpoints.signing import BadNote
    from ledger.config import settings
    from ledger.entries.verify import decode_key, public_key_from, read_witness, verify

    url = args.database_url or settings.database_url or _local("database.url")
    if not url:
        print("DATABASE_URL is not set, and no `make run` is running here (.data/database.url)", file=sys.stderr)
        return 2
    key = decode_key(args.public_key) if args.public_key else public_key_from(settings.ledger_signing_key)
    witnessed = []
    if args.witness:
        try:
            with open(args.witness, encoding="utf-8") as f:
                witnessed = read_witness(f, key, settings.ledger_origin)
        except (OSError, UnicodeDecodeError, BadNote) as exc:
            print(f"cannot use the witness file: {exc}", file=sys.stderr)
            return 2
    report = asyncio.run(verify(asyncpg_dsn(url), key, settings.ledger_origin, witnessed, args.max_unwitnessed))
    print(json.dumps(report.as_dict(), ensure_ascii=False, indent=2, default=str))
    if report.first_bad_entry:
        bad = report.first_bad_entry
        print(f"FIRST MISMATCH: entry {bad['leaf_index']} (event {bad['event_id']}): {bad['reason']}", file=sys.stderr)
    if report.first_unwitnessed:
        bad = report.first_unwitnessed
        print(
            f"NOT CONSISTENT with the witnessed checkpoint of size {bad['tree_size']}: {bad['reason']}", file=sys.stderr
        )
    for node in report.bad_nodes:
        print(
            f"TREE NODE level {node['level']} index {node['idx']} (leaves {node['leaves'][0]}..{node['leaves'][1] - 1})"
            f": {node['reason']}; proofs served through it fail against the signed root",
            file=sys.stderr,
        )
    if report.bad_node_count > len(report.bad_nodes):
        print(f"... {report.bad_node_count} tree nodes in all", file=sys.stderr)
    for gone in report.missing_checkpoints:
        which = f"numbers {gone['ids'][0]}..{gone['ids'][1]}" if "ids" in gone else f"of size {gone['tree_size']}"
        print(f"MISSING CHECKPOINT {which}: {gone['reason']}", file=sys.stderr)
    for c in report.bad_checkpoints:
        print(f"BAD CHECKPOINT {c['id']} of size {c['tree_size']}: {c['reason']}", file=sys.stderr)
    for name, tail in (("signed", report.tail), ("witnessed", report.witnessed_tail)):
        if tail and tail["entries"]:
            limit = report.max_unwitnessed
            over = limit is not None and tail is (report.witnessed_tail or report.tail) and tail["entries"] > limit
            print(
                f"{'TOO LONG ' if over else ''}UNWITNESSED TAIL: {tail['entries']} entries after the last {name} "
                f"checkpoint (size {tail['after_size']}), the oldest recorded {tail['since'].isoformat()}"
                + (f"; at most {limit} allowed" if over else ""),
                file=sys.stderr,
            )
    return 0 if report.ok else 1


def ledger_checkpoints(args: argparse.Namespace) -> int:
    """Append the checkpoints the auditor's file does not have yet (JSON lines, one signed note each)."""
    import asyncio
    import json

    import asyncpg

    from common.db import asyncpg_dsn
    from ledger.config import settings

    url = args.database_url or settings.database_url or _local("database.url")
    if not url:
        print("DATABASE_URL is not set, and no `make run` is running here (.data/database.url)", file=sys.stderr)
        return 2
    path = Path(args.export)
    have = 0
    if path.exists():
        with path.open(encoding="utf-8") as f:
            have = max((json.loads(line)["tree_size"] for line in f if line.strip()), default=0)

    async def fetch() -> list[Any]:
        conn = await asyncpg.connect(asyncpg_dsn(url))
        try:
            return list(
                await conn.fetch(
                    "SELECT DISTINCT ON (tree_size) tree_size, issued_at, note FROM ledger.checkpoints "
                    "WHERE note IS NOT NULL AND tree_size > $1 ORDER BY tree_size, id",
                    have,
                )
            )
        finally:
            await conn.close()

    rows = asyncio.run(fetch())
    with path.open("a", encoding="utf-8") as f:
        for r in rows:
            f.write(
                json.dumps({"tree_size": r["tree_size"], "issued_at": r["issued_at"].isoformat(), "note": r["note"]})
            )
            f.write("\n")
    print(f"{len(rows)} new checkpoints appended to {path} (it held checkpoints up to size {have})")
    return 0


def _region(value: str) -> str:
    """A jurisdiction for a token: "" (national) or a 2/4/6/9/12-digit prefix of a division that exists."""
    from common.regions import regions

    if value and (not value.isdigit() or len(value) not in (2, 4, 6, 9, 12) or regions().name(value) is None):
        raise argparse.ArgumentTypeError(
            f"{value!r} is not a region code prefix (2, 4, 6, 9 or 12 digits) of a division"
        )
    return value


def main() -> None:
    from common.auth import Role
    from contracts.dept import DEPT_CONTRACTS

    # Department accounts: the feeds' departments, and the offices that send regional records.
    departments = sorted({*DEPT_CONTRACTS, "agriculture", "rural-revitalisation"})
    help_fmt = argparse.ArgumentDefaultsHelpFormatter
    parser = argparse.ArgumentParser(prog="safetynet", description=__doc__, formatter_class=help_fmt)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser(
        "run", help="start the system (embedded PostgreSQL and broker unless configured)", formatter_class=help_fmt
    )
    p.add_argument("--host", default="127.0.0.1", help="the address the services listen on")
    p.add_argument(
        "--data-dir",
        default=str(DATA_DIR),
        help="the embedded PostgreSQL's data and the attachments (or SAFETYNET_DATA_DIR)",
    )
    p.add_argument("--demo", action="store_true", help="load a small synthetic county once the services are up")
    for name, port in SERVICES.items():
        p.add_argument(f"--{name}-port", type=int, default=int(os.environ.get(f"{name.upper()}_PORT", port)),
                       help=f"{name}'s port (or {name.upper()}_PORT)")  # fmt: skip
    p.add_argument("--console-port", type=int, default=int(os.environ.get("CONSOLE_PORT", CONSOLE_PORT)),
                   help="the console's port (or CONSOLE_PORT)")  # fmt: skip
    p.set_defaults(func=run)
    p = sub.add_parser("token", help="print a development bearer token", formatter_class=help_fmt)
    p.add_argument("--role", required=True, choices=[r.value for r in Role], help="the account's role")
    p.add_argument(
        "--region", default="", type=_region, help="jurisdiction: a 2/4/6/9/12-digit region code prefix, '' national"
    )
    p.add_argument("--sub", default=None, help="the account's name (default dev-<role>)")
    p.add_argument(
        "--household-id", default=None, help="a household account's household: the `id` POST /households answered"
    )
    p.add_argument("--department", default=None, choices=departments, help="a department account's department")
    p.add_argument("--ttl", type=int, default=8 * 3600, help="seconds the token is valid")
    p.set_defaults(func=token)
    p = sub.add_parser(
        "openapi", help="export openapi/*.json and asyncapi.yaml (or --check for drift)", formatter_class=help_fmt
    )
    p.add_argument("--check", action="store_true", help="only report files that differ from the code")
    p.set_defaults(func=openapi)
    p = sub.add_parser(
        "simulate",
        help="a synthetic county: households into intake, department feeds to screening",
        formatter_class=help_fmt,
    )
    p.add_argument("--county", default="532504", help="a 6-digit county code (弥勒市 by default)")
    p.add_argument("--households", type=int, default=200, help="how many households")
    p.add_argument("--seed", type=int, default=1, help="the same seed, the same county")
    p.add_argument(
        "--year", type=int, default=_this_year(), help="the year of income and records (policy packs carry forward)"
    )
    p.add_argument(
        "--intake",
        default=_local_service("intake", "http://127.0.0.1:8001"),
        help="intake's address (default: make run's)",
    )
    p.add_argument(
        "--screening",
        default=_local_service("screening", "http://127.0.0.1:8002"),
        help="screening's address (default: make run's)",
    )
    p.set_defaults(func=simulate)
    p = sub.add_parser("ledger", help="the ledger's tamper-evident log", formatter_class=help_fmt)
    ledger_sub = p.add_subparsers(dest="ledger_command", required=True)
    v = ledger_sub.add_parser(
        "verify", help="recompute the tree, check checkpoints, name the first bad entry", formatter_class=help_fmt
    )
    v.add_argument("--database-url", help="default: DATABASE_URL, else the database of a running `make run`")
    v.add_argument("--public-key", help="base64 Ed25519 public key (default: derived from LEDGER_SIGNING_KEY)")
    v.add_argument("--witness", help="checkpoints kept outside the database (the file `checkpoints --export` writes)")
    v.add_argument(
        "--max-unwitnessed",
        type=int,
        metavar="N",
        help="fail when more than N entries are after the last checkpoint (the last witnessed one with --witness); "
        "without it the tail is reported only",
    )
    v.set_defaults(func=ledger_verify)
    c = ledger_sub.add_parser(
        "checkpoints", help="keep the signed checkpoints in a file outside the database", formatter_class=help_fmt
    )
    c.add_argument("--export", required=True, help="the auditor's file (JSON lines); only newer checkpoints are added")
    c.add_argument("--database-url", help="default: DATABASE_URL, else the database of a running `make run`")
    c.set_defaults(func=ledger_checkpoints)
    p = sub.add_parser(
        "import", help="import a county's households and history (CSV or XLSX)", formatter_class=help_fmt
    )
    p.add_argument("file", help="the national system's or the census's export, or the filled template")
    p.add_argument("--region", default="", type=_region, help="the importing county (a dev token's jurisdiction)")
    p.add_argument("--token", default=os.environ.get("SAFETYNET_TOKEN"), help="a county officer's bearer token")
    p.add_argument("--intake", default=_local_service("intake", "http://127.0.0.1:8001"), help="intake's address")
    p.add_argument("--interval", type=float, default=1.0, help="seconds between progress reads")
    p.set_defaults(func=import_file)
    p = sub.add_parser("tail", help="print the events on a topic", formatter_class=help_fmt)
    p.add_argument("topic", help="e.g. intake.case.v1 (the topics: see openapi/asyncapi.yaml)")
    p.add_argument("--subject", default=None, help="only this household's events")
    p.add_argument(
        "--bootstrap",
        default=os.environ.get("KAFKA_BOOTSTRAP_SERVERS") or _local_broker(),
        help="the broker (default: KAFKA_BOOTSTRAP_SERVERS, else the broker of a running `make run`)",
    )
    p.add_argument("--idle", type=float, default=2.0, help="stop after this many quiet seconds")
    p.add_argument("--follow", action="store_true", help="keep printing new events (Ctrl-C to stop)")
    p.add_argument("--data", action="store_true", help="print each event's data too")
    p.set_defaults(func=tail)
    args = parser.parse_args()
    sys.exit(args.func(args))


def _this_year() -> int:
    from common.clock import today

    return today().year


if __name__ == "__main__":
    main()
