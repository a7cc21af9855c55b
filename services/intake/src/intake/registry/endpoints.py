"""The social-registry gateway's routes (DCI: `registry/sync/search`, `registry/subscribe`,
`registry/unsubscribe`), and the subscriptions a registry holds."""

from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Depends, Path, Request
from pydantic import BaseModel
from sqlalchemy import case, func, select

from common.access import DepartmentIdentifiersRead, RegistryGateway
from common.access_audit import audited
from common.db import SessionDep
from common.errors import Forbidden, ValidationFailed, problem_responses
from common.pagination import CursorQuery, LimitQuery, Page, page_rows
from intake.registry import service, signing
from intake.registry.models import RegistryNotice, RegistrySubscription
from intake.registry.schemas import (
    IdentifiedHousehold,
    IdentifiersRequest,
    Jwks,
    SearchEnvelope,
    SearchResponse,
    SubscribeEnvelope,
    SubscribeResponse,
    SubscriptionPublic,
    UnsubscribeEnvelope,
)
from intake.registry.signing import SignatureRefused
from intake.registry.targets import NotifyTargetRefused

router = APIRouter(prefix="/registry", tags=["registry gateway"])
# The identifiers behind a department's list: intake holds them, assistance's lists do not.
department_router = APIRouter(prefix="/department-lists", tags=["registry gateway"])
PROBLEMS = problem_responses(Forbidden, ValidationFailed, SignatureRefused)
E = TypeVar("E", bound=BaseModel)


def signed(model: type[E]) -> Any:
    """The envelope of a request, once its schema holds and its signature is its registered sender's: the
    signature is checked on the JSON as received (`signing.check`), not on the model's reading of it."""

    async def verified(request: Request, body: model) -> E:  # type: ignore[valid-type]
        signing.check(await request.json())
        return body

    return Depends(verified)


def _signed(answer: Any) -> Any:
    answer.signature = signing.sign(
        signing.own_key(), answer.header.model_dump(mode="json"), answer.message.model_dump(mode="json")
    )
    return answer


@router.get("/.well-known/jwks.json", response_model=Jwks, responses=problem_responses(Forbidden))
async def jwks(principal: RegistryGateway) -> Jwks:
    """The gateway's public signing keys (RFC 7517, the DCI JWKS API 1.0.0): every message it sends, answers
    and `notify` messages alike, is signed with one of them, and a notification's `Authorization` bearer token
    too. A key's `kid` is the one in the signature's `keyId`; fetch again for a `kid` not seen before. Read with
    the same account as the gateway's other routes (a registry's department account)."""
    return Jwks.model_validate(signing.jwks())


@router.post("/sync/search", response_model=SearchResponse, responses=PROBLEMS, openapi_extra=audited(service.WHAT))
async def search(
    session: SessionDep, principal: RegistryGateway, body: Annotated[SearchEnvelope, signed(SearchEnvelope)]
) -> SearchResponse:
    """DCI sync search: each request names one household by resident ID or 户编号 and is answered with its
    monitoring record, only if the household lies within the caller's jurisdiction and gave a valid consent
    to data sharing; any other answer is the same empty record set. Each record answered is an audited read.
    The request is signed by its sender (`signature`, ADR 0020), else refused 401 `registry-signature-refused`
    with the DCI error `code`; the answer is signed with the gateway's key (`/registry/.well-known/jwks.json`)."""
    return _signed(await service.search(session, principal, body))


@router.post(
    "/subscribe",
    response_model=SubscribeResponse,
    responses=problem_responses(Forbidden, NotifyTargetRefused, SignatureRefused),
)
async def subscribe(
    session: SessionDep, principal: RegistryGateway, body: Annotated[SubscribeEnvelope, signed(SubscribeEnvelope)]
) -> SubscribeResponse:
    """DCI subscribe: `monitored` and `eliminated` changes of the households of (part of) the caller's
    jurisdiction are sent as `notify` messages to `header.sender_uri`, for households that consented to the
    sharing. Each request answers its `subscription_code`. The URI must be https, on a host the deployment
    allows (REGISTRY_NOTIFY_HOSTS), resolving only to public addresses (or ones REGISTRY_NOTIFY_ADDRESSES
    allows); anything else is refused (`notify-target-refused`), here and again at each delivery. Signed both
    ways as a search is; each notification is signed too, and carries a bearer JWT of the gateway's key."""
    return _signed(await service.subscribe(session, principal, body))


@router.post("/unsubscribe", response_model=Page[SubscriptionPublic], responses=PROBLEMS)
async def unsubscribe(
    session: SessionDep, principal: RegistryGateway, body: Annotated[UnsubscribeEnvelope, signed(UnsubscribeEnvelope)]
) -> Page[SubscriptionPublic]:
    """End the caller's subscriptions named: the ones ended (a code that is not the caller's is left). The
    request is signed by its sender, as a search is."""
    ended = await service.unsubscribe(session, principal, body)
    rows = (await session.execute(select(RegistrySubscription).where(RegistrySubscription.id.in_(ended)))).scalars()
    return Page(items=[SubscriptionPublic.model_validate(s) for s in rows], next_cursor=None)


@department_router.post(
    "/{department}/identifiers",
    response_model=Page[IdentifiedHousehold],
    responses=problem_responses(Forbidden, ValidationFailed),
    openapi_extra=audited(service.WHAT_IDS),
)
async def department_identifiers(
    department: Annotated[str, Path(pattern=r"^[a-z-]{2,40}$")],
    body: IdentifiersRequest,
    session: SessionDep,
    principal: DepartmentIdentifiersRead,
) -> Page[IdentifiedHousehold]:
    """The resident IDs of the households on the department's list (assistance's `GET /department-lists/
    {department}`, or its topic, as intake last received it), for a department entitled to them: only the
    households on that list, within its jurisdiction, that consented to data sharing are answered; any other
    id (not on the list, elsewhere, no consent, unknown) is left out alike. Each household answered is an
    audited read."""
    found = await service.identifiers(session, principal, department, body.household_ids)
    return Page(items=found, next_cursor=None)


@router.get("/subscriptions", response_model=Page[SubscriptionPublic], responses=problem_responses(Forbidden))
async def subscriptions(
    session: SessionDep, principal: RegistryGateway, cursor: CursorQuery = None, limit: LimitQuery = 50
) -> Page[SubscriptionPublic]:
    """The caller's subscriptions (an admin's: all), oldest first, with how many notifications each has had
    delivered, waiting, and withheld (the household's consent lapsed or was revoked, or the notify target was
    refused at delivery: an internal address, or a host no longer allowed)."""
    rows, next_cursor = await page_rows(
        session, service.mine(principal), (RegistrySubscription.created_at, RegistrySubscription.id), cursor, limit
    )
    state = case(
        (RegistryNotice.delivered_at.is_not(None), "delivered"),
        (RegistryNotice.withheld_at.is_not(None), "withheld"),
        else_="pending",
    )
    q = (
        select(RegistryNotice.subscription_id, state, func.count())
        .where(RegistryNotice.subscription_id.in_([s.id for s in rows]))
        .group_by(RegistryNotice.subscription_id, state)
    )
    counts = {(sid, key): n for sid, key, n in (await session.execute(q)).all()} if rows else {}
    items = [
        SubscriptionPublic.model_validate(s).model_copy(
            update={k: counts.get((s.id, k), 0) for k in ("delivered", "pending", "withheld")}
        )
        for s in rows
    ]
    return Page(items=items, next_cursor=next_cursor)
