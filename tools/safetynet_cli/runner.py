"""`safetynet run`: the four services, with an embedded PostgreSQL and broker unless configured."""

import argparse
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

SERVICES = {"intake": 8001, "screening": 8002, "assistance": 8003, "ledger": 8004}
# The console (ADR 0031) runs beside them: it owns no schema, no topic and no API of its own to export.
CONSOLE_PORT = 8005


def _busy(host: str, port: int) -> bool:
    import socket

    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError:
            return True
    return False


def service_env(env: dict[str, str], data_dir: str | os.PathLike[str], name: str) -> dict[str, str]:
    """A service's environment under `run`: its name, and the data directory (SAFETYNET_DATA_DIR, absolute),
    so what it keeps on disk (the attachments, unless ATTACHMENTS_DIR says otherwise) goes where --data-dir
    says and not into the directory it was started from."""
    return {**env, "SERVICE_NAME": name, "SAFETYNET_DATA_DIR": str(Path(data_dir).resolve())}


def run(args: argparse.Namespace) -> int:
    """Start the four services; with no DATABASE_URL / KAFKA_BOOTSTRAP_SERVERS, embedded ones too. A service
    that exits is started again (with back-off); an embedded broker that dies is started again on its port,
    and what the services published to the one that died is published again from their outboxes."""
    env = dict(os.environ)
    ports = {name: getattr(args, f"{name}_port") for name in SERVICES}
    console_port = getattr(args, "console_port", CONSOLE_PORT)
    busy = [f"{name} {port}" for name, port in {**ports, "console": console_port}.items() if _busy(args.host, port)]
    if busy:  # before anything starts or migrates
        print(
            f"port in use: {', '.join(busy)} (another `make run`?). Stop it, or choose ports: "
            "make run INTAKE_PORT=9001 SCREENING_PORT=9002 ASSISTANCE_PORT=9003 LEDGER_PORT=9004 CONSOLE_PORT=9005",
            file=sys.stderr,
        )
        return 2
    data_dir = Path(args.data_dir)
    runtime = None
    if not (env.get("DATABASE_URL") and env.get("KAFKA_BOOTSTRAP_SERVERS")):
        from devkit.runtime.embedded import EmbeddedRuntime

        runtime = EmbeddedRuntime(data_dir.resolve()).start()
        env.update(runtime.env())
        print(f"embedded PostgreSQL: {runtime.database_url} (data in {args.data_dir})", flush=True)
        print(f"embedded broker:     {runtime.kafka_bootstrap_servers} (memory only)", flush=True)
        (data_dir / "broker.address").write_text(runtime.kafka_bootstrap_servers)
        # The database's address, for the CLI's commands that read it (`safetynet ledger verify`).
        (data_dir / "database.url").write_text(runtime.database_url)
        # A broker of an earlier run took its messages with it: publish again what it held (ADR 0017).
        _republish_since_last_broker(runtime.database_url, data_dir)
    # Where the services listen, for the CLI's commands and the walkthrough (`simulate`, `docs/walkthrough.sh`).
    addresses = "".join(f"{name.upper()}=http://{args.host}:{port}\n" for name, port in ports.items())
    (data_dir / "services.env").write_text(addresses)
    # The console calls the services where they listen here.
    env.update({f"{name.upper()}_URL": f"http://{args.host}:{port}" for name, port in ports.items()})
    children = _Children(env, args.host, {**ports, "console": console_port}, data_dir)
    children.start_all()
    print("tokens: make token ROLE=village_cadre REGION=532504102", flush=True)
    if args.demo:
        _load_demo(args.host, ports)

    stopping = False

    def stop(*_: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    while not stopping:
        children.restart_exited()
        broker_exit = runtime.broker_exit_code() if runtime is not None else None
        if broker_exit is not None and not stopping and runtime is not None:
            # Its topics and the messages not yet consumed were in memory. Start it again on the same address,
            # with the services stopped meanwhile (they create the topics when they start), and have their
            # outboxes publish again all they had sent to it: consumers apply each event once (inbox).
            print(
                f"the embedded broker stopped (exit code {broker_exit}); starting it again and publishing again "
                "from the outboxes what it held",
                file=sys.stderr,
                flush=True,
            )
            children.stop_all()
            port = int(runtime.kafka_bootstrap_servers.rsplit(":", 1)[1])
            try:
                runtime.start_broker(port=port)
                _republish_since_last_broker(runtime.database_url, data_dir)
            except Exception as exc:  # the port not yet free, the database away: try again shortly
                print(f"could not start the broker again ({exc}); trying again", file=sys.stderr, flush=True)
                runtime.stop_broker()  # so that it reads as stopped, and the next round tries again
                time.sleep(2)
                continue
            children.start_all()
        time.sleep(0.5)
    children.stop_all()
    if runtime is not None:
        runtime.stop()
    return 0


class _Children:
    """The four services as child processes, each started again when it exits (1 s, doubling to 30 s)."""

    def __init__(self, env: dict[str, str], host: str, ports: dict[str, int], data_dir: Path) -> None:
        self.env, self.host, self.ports, self.data_dir = env, host, ports, data_dir
        self.procs: dict[str, subprocess.Popen[bytes]] = {}
        self.backoff = dict.fromkeys(ports, 1.0)
        self.due: dict[str, float] = {}  # a restart's time, once a child has exited
        self.started: dict[str, float] = {}

    def start(self, name: str) -> None:
        self.procs[name] = subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "uvicorn", f"{name}.main:app", "--host", self.host,
             "--port", str(self.ports[name]), "--no-access-log"],
            env={**service_env(self.env, self.data_dir, name), **self._calls(name)},
        )  # fmt: skip
        self.started[name] = time.monotonic()

    def _calls(self, name: str) -> dict[str, str]:
        """The services a service calls: the ledger reads the heads' names for a printed form from intake."""
        if name == "ledger" and "intake" in self.ports and "INTAKE_URL" not in self.env:
            host = "127.0.0.1" if self.host in ("0.0.0.0", "::") else self.host  # noqa: S104
            return {"INTAKE_URL": f"http://{host}:{self.ports['intake']}"}
        return {}

    def start_all(self) -> None:
        for name, port in self.ports.items():
            self.start(name)
            page = "" if name == "console" else "docs"  # the console's pages are its own; the services' are docs
            print(f"{name:<11} http://{self.host}:{port}/{page}", flush=True)

    def restart_exited(self) -> None:
        now = time.monotonic()
        for name, proc in self.procs.items():
            if proc.poll() is None:
                if now - self.started[name] > 60:  # up a minute: the next crash starts the back-off afresh
                    self.backoff[name] = 1.0
                continue
            if name not in self.due:
                delay = self.backoff[name]
                print(f"{name} exited with {proc.returncode}; starting it again in {delay:.0f} s", file=sys.stderr,
                      flush=True)  # fmt: skip
                self.due[name], self.backoff[name] = now + delay, min(delay * 2, 30.0)
            elif now >= self.due[name]:
                del self.due[name]
                self.start(name)
                print(f"{name} started again", file=sys.stderr, flush=True)

    def stop_all(self) -> None:
        for proc in self.procs.values():
            if proc.poll() is None:
                proc.terminate()
        deadline = time.monotonic() + 15  # all stop together: a service stuck on a dead broker is killed
        for proc in self.procs.values():
            try:
                proc.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        self.due.clear()


def _republish_since_last_broker(database_url: str, data_dir: Path) -> None:
    """Mark unsent again every outbox row sent since the last embedded broker started (its start is kept in
    `broker.epoch`, by the database's clock, which stamps `sent_at`), then note this broker's start."""
    import asyncio

    import asyncpg

    from common.db import asyncpg_dsn

    epoch_file = data_dir / "broker.epoch"
    since = epoch_file.read_text().strip() if epoch_file.exists() else None

    async def go() -> str:
        conn = await asyncpg.connect(asyncpg_dsn(database_url))
        try:
            if since:
                for schema in SERVICES:
                    if await conn.fetchval("SELECT to_regclass($1)", f"{schema}.outbox") is None:
                        continue  # not migrated yet: nothing was sent
                    done = await conn.execute(
                        f'UPDATE "{schema}".outbox SET sent_at = NULL, claimed_until = NULL '  # noqa: S608
                        "WHERE sent_at >= CAST($1::text AS timestamptz)",
                        since,
                    )
                    count = int(done.split()[-1])
                    if count:
                        print(f"{schema}: {count} events to publish again", file=sys.stderr, flush=True)
            return str(await conn.fetchval("SELECT now()::text"))
        finally:
            await conn.close()

    epoch_file.write_text(asyncio.run(go()))


def _load_demo(host: str, ports: dict[str, int]) -> None:
    """A small demo county once the services answer, so a newcomer sees alerts appear."""
    import httpx

    for name in ("intake", "screening"):
        url = f"http://{host}:{ports[name]}/readyz"
        for _ in range(120):
            try:
                if httpx.get(url, timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
    subprocess.run(  # noqa: S603 (our own CLI, fixed arguments)
        [
            sys.executable,
            "-m",
            "safetynet_cli.main",
            "simulate",
            "--households",
            "60",
            "--intake",
            f"http://{host}:{ports['intake']}",
            "--screening",
            f"http://{host}:{ports['screening']}",
        ],
        check=False,
    )
