import asyncio

from common.app import Workers


async def test_a_failed_worker_is_restarted() -> None:
    calls = 0
    done = False

    async def run() -> None:
        nonlocal calls, done
        calls += 1
        if calls == 1:
            raise RuntimeError("lost the broker mid-commit")
        done = True

    await asyncio.wait_for(Workers._supervise(run, lambda: done), 10)
    assert calls == 2
