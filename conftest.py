"""Test session: one real PostgreSQL and one real Kafka-protocol broker, started once.

This runs when pytest imports the root conftest, before any service module (and its settings) is
imported by the service test packages. With DATABASE_URL / KAFKA_BOOTSTRAP_SERVERS already set, the
tests use those servers instead.
"""

import atexit
import os
import shutil
import tempfile
from pathlib import Path

os.environ.setdefault("ENVIRONMENT", "test")
os.environ.setdefault("LOG_LEVEL", "WARNING")

if not (os.environ.get("DATABASE_URL") and os.environ.get("KAFKA_BOOTSTRAP_SERVERS")):
    from common.runtime.embedded import EmbeddedRuntime

    _data_dir = Path(tempfile.mkdtemp(prefix="safetynet-test-"))
    _runtime = EmbeddedRuntime(_data_dir).start()
    os.environ.update(_runtime.env())

    @atexit.register
    def _stop() -> None:
        _runtime.stop()
        shutil.rmtree(_data_dir, ignore_errors=True)
