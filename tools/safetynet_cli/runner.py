"""`safetynet run`: the four services, with an embedded PostgreSQL and broker unless configured."""

import argparse
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

SERVICES = {"intake": 8001, "screening": 8002, "assistance": 8003, "ledger": 8004}


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
    """Start the four services; with no DATABASE_URL / KAFKA_BOOTSTRAP_SERVERS, embedded ones too."""
    env = dict(os.environ)
    ports = {name: getattr(args, f"{name}_port") for name in SERVICES}
    busy = [f"{name} {port}" for name, port in ports.items() if _busy(args.host, port)]
    if busy:  # before anything starts or migrates
        print(
            f"port in use: {', '.join(busy)} (another `make run`?). Stop it, or choose ports: "
            "make run INTAKE_PORT=9001 SCREENING_PORT=9002 ASSISTANCE_PORT=9003 LEDGER_PORT=9004",
            file=sys.stderr,
        )
        return 2
    runtime = None
    if not (env.get("DATABASE_URL") and env.get("KAFKA_BOOTSTRAP_SERVERS")):
        from devkit.runtime.embedded import EmbeddedRuntime

        runtime = EmbeddedRuntime(Path(args.data_dir).resolve()).start()
        env.update(runtime.env())
        print(f"embedded PostgreSQL: {runtime.database_url} (data in {args.data_dir})", flush=True)
        print(f"embedded broker:     {runtime.kafka_bootstrap_servers} (memory only)", flush=True)
        (Path(args.data_dir) / "broker.address").write_text(runtime.kafka_bootstrap_servers)
        # The database's address, for the CLI's commands that read it (`safetynet ledger verify`).
        (Path(args.data_dir) / "database.url").write_text(runtime.database_url)
    # Where the services listen, for the CLI's commands and the walkthrough (`simulate`, `docs/walkthrough.sh`).
    addresses = "".join(f"{name.upper()}=http://{args.host}:{port}\n" for name, port in ports.items())
    (Path(args.data_dir) / "services.env").write_text(addresses)
    children = {}
    for name, port in ports.items():
        children[name] = subprocess.Popen(  # noqa: S603
            [
                sys.executable,
                "-m",
                "uvicorn",
                f"{name}.main:app",
                "--host",
                args.host,
                "--port",
                str(port),
                "--no-access-log",
            ],
            env=service_env(env, args.data_dir, name),
        )
        print(f"{name:<11} http://{args.host}:{port}/docs", flush=True)
    print("tokens: make token ROLE=village_cadre REGION=532504102", flush=True)
    if args.demo:
        _load_demo(args.host, ports)

    stopping = False

    def stop(*_: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    code = 0
    while not stopping:
        for name, child in children.items():
            if child.poll() is not None:
                print(f"{name} exited with {child.returncode}; stopping", file=sys.stderr, flush=True)
                stopping, code = True, 1
        broker_exit = runtime.broker_exit_code() if runtime is not None else None
        if broker_exit is not None and not stopping:
            # Its topics and messages were in memory: a broker started again would acknowledge events to
            # topics it no longer has and lose them. Stop everything rather than run on a quiet bus.
            print(
                f"the embedded broker stopped (exit code {broker_exit}); its topics and undelivered messages "
                "were in memory and are gone. Stopping all services: start again with `make run` (the "
                "database keeps every record; outbox rows not yet published are sent again).",
                file=sys.stderr,
                flush=True,
            )
            stopping, code = True, 1
        time.sleep(0.5)
    for child in children.values():
        if child.poll() is None:
            child.terminate()
    deadline = time.monotonic() + 15  # all stop together: a service stuck on a dead broker is killed
    for child in children.values():
        try:
            child.wait(max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
    if runtime is not None:
        runtime.stop()
    return code


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
