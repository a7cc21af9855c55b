"""The social-registry gateway's routes, as the DCI 1.0.0 API names them (`registry_core_api_v1.0.0`,
`social_api_v1.0.0`): `sync/search` and `sync/txn/status` answered at once; `search`, `subscribe`,
`unsubscribe` and `txn/status` acknowledged (`ACK`) and answered at the sender's `header.sender_uri`
(`on-search`, `on-subscribe`, `on-unsubscribe`, `txn-on-status`, `delivery`); and the subscriptions a
registry holds (safetynet's own REST, problem+json)."""

from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy import case, func, select

from common.access import DepartmentIdentifiersRead, RegistryGateway
from common.access_audit import audited
from common.db import SessionDep
from common.errors import STANDARD_ERRORS, Forbidden, ValidationFailed, problem_responses
from common.pagination import CursorQuery, LimitQuery, Page, page_rows
from intake.registry import service, signing, transactions
from intake.registry.answers import Ack, Errors, SearchAnswer, SearchResponseMessage, TxnStatusAnswer
from intake.registry.models import RegistryNotice, RegistrySubscription
from intake.registry.replies import DciRoute, ack, signed
from intake.registry.schemas import (
    IdentifiedHousehold,
    IdentifiersRequest,
    Jwks,
    SearchEnvelope,
    SubscribeEnvelope,
    SubscriptionPublic,
    TxnStatusEnvelope,
    UnsubscribeEnvelope,
)
from intake.registry.targets import NotifyTargetRefused

router = APIRouter(prefix="/registry", tags=["registry gateway"])
dci = APIRouter(route_class=DciRoute)
# The identifiers behind a department's list: intake holds them, assistance's lists do not.
department_router = APIRouter(prefix="/department-lists", tags=["registry gateway"])
REFUSED: dict[int | str, dict[str, Any]] = {
    **problem_responses(ValidationFailed),  # a body the door refuses before any route (a NUL in it)
    400: {"model": Errors, "description": "not a message of the standard (`err.request.bad`, ...)"},
    401: {"model": Errors, "description": "`err.signature.missing`, `err.signature.invalid`, `err.sender_id.invalid`"},
    403: {"model": Errors, "description": "`err.request.forbidden`"},
}
STANDARD = {STANDARD_ERRORS: ["400", "401", "403"]}  # the standard's `errors` envelope, not problem+json
E = TypeVar("E", bound=BaseModel)


def verified_body(model: type[E]) -> Any:
    """The envelope of a request, once its schema holds and its signature is its registered sender's: the
    signature is checked on the JSON as received (`signing.check`), not on the model's reading of it."""

    async def verified(request: Request, body: model) -> E:  # type: ignore[valid-type]
        signing.check(await request.json())
        return body

    return Depends(verified)


def _callback(envelope: Any) -> None:
    if envelope.header.sender_uri is None:
        raise NotifyTargetRefused.because(
            "an asynchronous request needs header.sender_uri, where its answer is sent", "异步请求须提供回调地址"
        )


@router.get("/.well-known/jwks.json", response_model=Jwks, responses=problem_responses(Forbidden))
async def jwks(principal: RegistryGateway) -> Jwks:
    """The gateway's public signing keys (RFC 7517, the DCI JWKS API 1.0.0): every message it sends, answers
    and `notify` messages alike, is signed with one of them, and a callback's `Authorization` bearer token
    too. A key's `kid` is the one in the signature's `keyId`; fetch again for a `kid` not seen before. Read with
    the same account as the gateway's other routes (a registry's department account)."""
    return Jwks.model_validate(signing.jwks())


@dci.post(
    "/sync/search", response_model=SearchAnswer, responses=REFUSED, openapi_extra={**audited(service.WHAT), **STANDARD}
)
async def sync_search(
    session: SessionDep, principal: RegistryGateway, body: Annotated[SearchEnvelope, verified_body(SearchEnvelope)]
) -> JSONResponse:
    """DCI sync search. Each request names households by identifier (`UIN`: a member's resident ID;
    `HOUSEHOLD_NO`), or by an expression or predicates over `region`, `category`, `monitoring_status`, `risk`
    and `group_size` (`intake.registry.queries`), sorted and paged as asked; each is answered with the
    households found as DCI Groups (`reg_records`, `intake.registry.entities`), only those within the caller's
    jurisdiction that gave a valid consent to data sharing (any other is left out as one not found). Each
    record answered is an audited read. Signed both ways (ADR 0020)."""
    txn = await transactions.begin(session, principal, body, "search", len(body.message.search_request), callback=False)
    answers = await service.search(session, principal, body.header.sender_id, body.message, txn.id)
    message = SearchResponseMessage(
        transaction_id=body.message.transaction_id, correlation_id=str(txn.id), search_response=answers
    )
    done = sum(a.status == "succ" for a in answers)
    return JSONResponse(signed(transactions.header(body.header.sender_id, "on-search", len(answers), done), message))


@dci.post("/search", response_model=Ack, responses=REFUSED, openapi_extra={**audited(service.WHAT), **STANDARD})
async def search(
    session: SessionDep, principal: RegistryGateway, body: Annotated[SearchEnvelope, verified_body(SearchEnvelope)]
) -> JSONResponse:
    """DCI asynchronous search: acknowledged (`ACK`, its `correlation_id`), then answered as `sync/search`
    would, in an `on-search` message POSTed to `header.sender_uri` (a notify target: `REGISTRY_NOTIFY_HOSTS`,
    deny by default), signed, with a bearer JWT of the gateway's key. Retried while the sender does not take it."""
    _callback(body)
    txn = await transactions.begin(session, principal, body, "search", len(body.message.search_request), callback=True)
    return JSONResponse(ack("ACK", txn.id).model_dump(mode="json", exclude_none=True))


@dci.post("/subscribe", response_model=Ack, responses=REFUSED, openapi_extra=STANDARD)
async def subscribe(
    session: SessionDep,
    principal: RegistryGateway,
    body: Annotated[SubscribeEnvelope, verified_body(SubscribeEnvelope)],
) -> JSONResponse:
    """DCI subscribe: acknowledged, its result (`on-subscribe`, each request's subscription codes) POSTed to
    `header.sender_uri`, where the `notify` messages then go: `REGISTER` (a household enters monitoring) and
    `ns:cn:safetynet:RegistryEventType:RiskEliminated` of the households of (part of) the caller's
    jurisdiction (the filter's `region`), for households that consented to the sharing. The URI must be a
    notify target the deployment allows, here and again at each delivery."""
    _callback(body)
    items = len(body.message.subscribe_request)
    txn = await transactions.begin(session, principal, body, "subscribe", items, callback=True)
    await transactions.subscribe(session, principal, body, txn)
    return JSONResponse(ack("ACK", txn.id).model_dump(mode="json", exclude_none=True))


@dci.post("/unsubscribe", response_model=Ack, responses=REFUSED, openapi_extra=STANDARD)
async def unsubscribe(
    session: SessionDep,
    principal: RegistryGateway,
    body: Annotated[UnsubscribeEnvelope, verified_body(UnsubscribeEnvelope)],
) -> JSONResponse:
    """DCI unsubscribe: the caller's subscriptions named are ended (another's, or an unknown code, is not, and
    the answer says `rjct.subscription_code.invalid`); acknowledged `ACK` and answered `on-unsubscribe` at
    `header.sender_uri`, or `NACK` without one (the result is then read with `txn/status`)."""
    items = len(body.message.subscription_codes)
    callback = body.header.sender_uri is not None
    txn = await transactions.begin(session, principal, body, "unsubscribe", items, callback=callback)
    await transactions.unsubscribe(session, principal, body.message, txn)
    return JSONResponse(ack("ACK" if callback else "NACK", txn.id).model_dump(mode="json", exclude_none=True))


@dci.post(
    "/sync/txn/status",
    response_model=TxnStatusAnswer,
    responses=REFUSED,
    openapi_extra={**audited(service.WHAT), **STANDARD},
)
async def sync_txn_status(
    session: SessionDep,
    principal: RegistryGateway,
    body: Annotated[TxnStatusEnvelope, verified_body(TxnStatusEnvelope)],
) -> JSONResponse:
    """DCI transaction status: the sender's own search, subscribe or unsubscribe, named by `transaction_id`,
    `correlation_id`, its `reference_id_list` or its `subscription_code_list`, answered as it stands (a search
    answered anew under the consents in force, an audited read). Another sender's is not found, alike."""
    txn = await transactions.begin(session, principal, body, "txn-status", 1, callback=False)
    answer, rejected = await transactions.status(session, txn)
    head = transactions.header(body.header.sender_id, "txn-on-status", 1, 0 if rejected else 1, rejected)
    return JSONResponse(signed(head, answer))


@dci.post("/txn/status", response_model=Ack, responses=REFUSED, openapi_extra={**audited(service.WHAT), **STANDARD})
async def txn_status(
    session: SessionDep,
    principal: RegistryGateway,
    body: Annotated[TxnStatusEnvelope, verified_body(TxnStatusEnvelope)],
) -> JSONResponse:
    """DCI asynchronous transaction status: acknowledged, answered `txn-on-status` at `header.sender_uri`."""
    _callback(body)
    txn = await transactions.begin(session, principal, body, "txn-status", 1, callback=True)
    return JSONResponse(ack("ACK", txn.id).model_dump(mode="json", exclude_none=True))


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


router.include_router(dci)
