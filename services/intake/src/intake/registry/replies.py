"""The standard's refusals on the DCI routes, one mechanism for all of them: a route of the gateway answers
what the DCI 1.0.0 API says, problem+json staying for safetynet's own REST API.

- a body that is not a message the standard allows, or one we do not take (an encrypted one): 400 with the
  standard's HttpErrorResponse, `errors: [{code: err.request.bad | err.version.not_supported |
  err.encryption.invalid | err.sender_uri.invalid, message}]`;
- no valid signature of a registered sender: 401, `err.signature.missing | err.signature.invalid |
  err.sender_id.invalid`; a caller not allowed: 403 `err.request.forbidden`;
- no token, or a forged one, stays the platform's 401 problem+json, as on every route: the gateway's
  account is checked before any message is read;
- a message refused as a whole (`transactions.Rejected`): a synchronous route answers its `on-` envelope with
  `header.status` `rjct` and the reason code; an asynchronous one 400 `err.request.bad` naming that code.
A request's own failures (a reference_id used before, a filter on what is not held) are its item's `rjct`
and reason code, in the answer."""

import uuid
from collections.abc import Callable, Coroutine
from typing import Any, Literal

from fastapi import Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from pydantic import BaseModel

from common import clock
from common.errors import Forbidden, Problem, ValidationFailed, wants_chinese
from intake.registry import signing
from intake.registry.answers import (
    Ack,
    AckMessage,
    Error,
    Errors,
    ResponseHeader,
    SearchResponseMessage,
    TxnStatus,
    TxnStatusResponseMessage,
)
from intake.registry.signing import SignatureRefused
from intake.registry.targets import NotifyTargetRefused
from intake.registry.transactions import Rejected, header

_CODES: dict[tuple[str, ...], str] = {
    ("header", "version"): "err.version.not_supported",
    ("header", "is_msg_encrypted"): "err.encryption.invalid",
}


def errors(status: int, *found: tuple[str, str]) -> JSONResponse:
    body = Errors(errors=[Error(code=code, message=message[:999]) for code, message in found])
    return JSONResponse(body.model_dump(mode="json"), status_code=status)


def ack(
    status: Literal["ACK", "NACK", "ERR"] = "ACK", correlation: uuid.UUID | None = None, error: Error | None = None
) -> Ack:
    message = AckMessage(
        ack_status=status,
        timestamp=clock.now(),
        correlation_id=str(correlation or uuid.uuid4()),
        error=error,
    )
    return Ack(message=message)


def _invalid(exc: RequestValidationError) -> JSONResponse:
    found = []
    for e in exc.errors()[:20]:
        where = tuple(str(p) for p in e["loc"][1:])  # past "body"
        code = _CODES.get(where[:2], "err.sender_uri.invalid" if where[:2] == ("header", "sender_uri") else "")
        found.append((code or "err.request.bad", f"{'.'.join(where)}: {e['msg']}"))
    return errors(400, *found)


def signed(head: ResponseHeader, message: BaseModel) -> dict[str, Any]:
    """An answer as sent: its header and message as JSON (no nulls), signed with the gateway's key."""
    header = head.model_dump(mode="json", exclude_none=True)
    body = message.model_dump(mode="json", exclude_none=True, by_alias=True)
    return {"signature": signing.sign(signing.own_key(), header, body), "header": header, "message": body}


def _refusal(path: str, e: Rejected, body: Any) -> dict[str, Any]:
    """A synchronous route's answer to a message refused as a whole: its `on-` envelope, `rjct`, no result."""
    head = body.get("header") if isinstance(body, dict) else None
    message = body.get("message") if isinstance(body, dict) else None
    sender = str(head.get("sender_id", ""))[:99] if isinstance(head, dict) else ""
    txn = str(message.get("transaction_id", ""))[:99] if isinstance(message, dict) else ""
    empty = SearchResponseMessage(transaction_id=txn, correlation_id=str(uuid.uuid4()), search_response=[])
    if path.endswith("/txn/status"):
        status = TxnStatus(txn_type="on-search", txn_status=empty)
        result: BaseModel = TxnStatusResponseMessage(
            transaction_id=txn, correlation_id=empty.correlation_id, txnstatus_response=status
        )
        action = "txn-on-status"
    else:
        result, action = empty, "on-search"
    return signed(header(sender, action, 0, 0, e), result)


class DciRoute(APIRoute):
    """A route of the DCI gateway: its refusals are the standard's. A message refused as a whole is answered
    in the route's kind: a synchronous route (`/registry/sync/...`) its `on-` envelope, `rjct`; an
    asynchronous one an `errors` list naming the reason code."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()
        synchronous = "/sync/" in self.path

        async def answer(request: Request) -> Response:
            chinese = wants_chinese(request.headers.get("accept-language"))

            def said(e: Problem) -> str:  # a refusal's message, in Chinese where it was asked for and has one
                return (e.detail_zh if chinese and e.detail_zh else None) or str(e)

            try:
                return await handler(request)
            except RequestValidationError as e:
                return _invalid(e)
            except SignatureRefused as e:
                return errors(401, (e.extra.get("code", "err.signature.invalid"), said(e)))
            except Forbidden as e:
                return errors(403, ("err.request.forbidden", said(e)))
            except NotifyTargetRefused as e:
                return errors(400, ("err.sender_uri.invalid", said(e)))
            except Rejected as e:
                if synchronous:
                    return JSONResponse(_refusal(self.path, e, await request.json()))
                return errors(400, ("err.request.bad", f"{e.code}: {e}"))
            except ValidationFailed as e:
                return errors(400, ("err.request.bad", said(e)))

        return answer
