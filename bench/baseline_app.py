"""The baseline for registration: a bare FastAPI endpoint that inserts the posted JSON with asyncpg."""

import json
import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import asyncpg
from fastapi import FastAPI

from common.db import asyncpg_dsn

pool: asyncpg.Pool | None = None


@asynccontextmanager
async def lifespan(_: FastAPI) -> AsyncIterator[None]:
    global pool
    pool = await asyncpg.create_pool(asyncpg_dsn(os.environ["DATABASE_URL"]), min_size=10, max_size=10)
    await pool.execute("CREATE TABLE IF NOT EXISTS bench_households (id uuid PRIMARY KEY, body jsonb NOT NULL)")
    yield
    await pool.close()


app = FastAPI(lifespan=lifespan)


@app.post("/households", status_code=201)
async def register(body: dict[str, Any]) -> dict[str, str]:
    assert pool is not None
    household_id = uuid.uuid4()
    await pool.execute("INSERT INTO bench_households (id, body) VALUES ($1, $2)", household_id, json.dumps(body))
    return {"id": str(household_id)}
