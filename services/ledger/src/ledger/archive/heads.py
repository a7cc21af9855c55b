"""Names and ID numbers on paper, filled in at print time (ADR 0014, "Names and ID numbers on paper").

The log holds no names or resident ID numbers, so the ledger asks intake, which holds them encrypted, for the
heads of the households a form lists, with the printing officer's own token: intake answers only the
households within that officer's jurisdiction, records each as an audited read with the form and the purpose
stated, and shows the full ID number only to an officer who may see it (on a filed form; a posted notice
never prints it). Nothing read here is stored: it goes onto the page and nowhere else.

The only address called is the configured `INTAKE_URL`; the household ids sent are UUIDs the ledger read from
its own log. With no `INTAKE_URL` the boxes stay blank, to be written by hand, as before."""

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Literal

import httpx

from common.errors import ServiceUnavailable
from ledger.config import settings

Use = Literal["notice", "filed"]
BATCH = 200  # intake's limit per request


@dataclass(frozen=True)
class Head:
    name: str
    resident_id: str  # masked (110105********002X) where the reader may not see it in full


# What a list form is given to fill its names: the heads of these households, for a notice or a filed form.
Heads = Callable[[Iterable[str], Use], Awaitable[dict[str, Head]]]
# The transport to intake: HTTP to INTAKE_URL; the test suite runs intake in its own process and passes it.
transport: httpx.AsyncBaseTransport | None = None


def reader(authorization: str | None, form: str, purpose: str) -> Heads:
    """The heads' reader for one printing: the caller's token, the form printed and why."""

    async def read(household_ids: Iterable[str], use: Use) -> dict[str, Head]:
        ids = sorted(set(household_ids))
        if not ids or not authorization or (settings.intake_url is None and transport is None):
            return {}
        found: dict[str, Head] = {}
        base = settings.intake_url or "http://intake"
        try:
            async with httpx.AsyncClient(
                base_url=base, transport=transport, timeout=settings.intake_timeout_s, follow_redirects=False
            ) as client:
                for i in range(0, len(ids), BATCH):
                    cursor: str | None = None
                    while True:  # one page holds a batch; a cursor is followed all the same
                        params: dict[str, str | int | list[str]] = {
                            "household_id": ids[i : i + BATCH],
                            "form": form,
                            "use": use,
                            "purpose": purpose,
                            "limit": BATCH,
                            **({"cursor": cursor} if cursor else {}),
                        }
                        r = await client.get("/printed-heads", params=params, headers={"Authorization": authorization})
                        r.raise_for_status()
                        page = r.json()
                        for h in page["items"]:
                            found[str(h["household_id"])] = Head(h["head_name"], h["head_resident_id"])
                        cursor = page.get("next_cursor")
                        if not cursor:
                            break
        except (httpx.HTTPError, KeyError, TypeError, ValueError) as exc:
            # A form that must carry names is not printed without them (a blank would pass for a filled one).
            raise ServiceUnavailable(
                f"The heads' names could not be read from intake: {exc.__class__.__name__}",
                zh="暂时无法从建档登记系统读取户主姓名和身份证号，请稍后再打印",
            ) from None
        return found

    return read


async def no_heads(household_ids: Iterable[str], use: Use) -> dict[str, Head]:
    """Where no officer prints (`make forms` without intake, a test of the layout): the boxes stay blank."""
    return {}
