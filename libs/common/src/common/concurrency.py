"""Optimistic concurrency for what two people may edit at once (RFC 9110 section 8.8.3 ETag, 13.1.1
If-Match): a resource two cadres may change answers its version as an `ETag`; a write that sends `If-Match`
with a tag it no longer has is refused with 412, naming the current tag, so nobody's change is silently
overwritten by someone who had not seen it. A change of a record the app edits (a PATCH) must say which
version it was made on (`IfMatchRequired`): without `If-Match`, or with `*`, which matches any version, it is
refused with 428 Precondition Required (RFC 6585 section 3), so no change is a blind overwrite. A PUT that
replaces such a record takes the same precondition; where the record may not exist yet (a year's first income),
`If-None-Match: *` (RFC 9110 section 13.1.2) is the precondition of its first version, refused with 412 once
one exists. Other writes may send `If-Match` (`IfMatch`): without it they are taken as before."""

import hashlib
from typing import Annotated

from fastapi import Depends, Header, Response

from common.errors import Problem


class PreconditionFailed(Problem):
    slug, title, status = "stale-version", "The resource changed since you read it", 412
    title_zh = "该记录已被他人修改，请刷新后再提交"


class PreconditionRequired(Problem):
    slug, title, status = "precondition-required", "Say which version you changed: send If-Match", 428
    title_zh = "请注明所修改的版本（If-Match）"


IfMatch = Annotated[
    str | None,
    Header(
        alias="If-Match",
        max_length=500,
        description="the ETag of the version this change was made on: a newer version answers 412",
    ),
]


# What `IfMatchRequired` answers for `If-None-Match: *`: no tag can be it (a tag is quoted).
NO_VERSION_YET = "no version yet"


async def _if_match_required(
    if_match: Annotated[
        str | None,
        Header(
            alias="If-Match",
            max_length=500,
            description="required: the ETag of the version this change was made on (`*` is refused); a newer "
            "version answers 412, none 428",
        ),
    ] = None,
    if_none_match: Annotated[
        str | None,
        Header(
            alias="If-None-Match",
            max_length=500,
            description="`*` instead of If-Match: the change is the record's first version (412 if it has one)",
        ),
    ] = None,
) -> str:
    if if_match is None and if_none_match is not None and if_none_match.strip() == "*":
        return NO_VERSION_YET
    if if_match is None or any(t.strip() == "*" for t in if_match.split(",")):
        raise PreconditionRequired(
            "Send If-Match with the ETag of the version you read: a change made without it could overwrite "
            "someone else's unseen",
            zh="请在 If-Match 中填写读取时的 ETag（不能用 *），以免覆盖他人未看到的修改",
        )
    return if_match


IfMatchRequired = Annotated[str, Depends(_if_match_required)]
"""The precondition of a PATCH, or of a PUT that replaces a record: checked before the record is looked up, so
every id is answered alike."""


def etag_of(version: object) -> str:
    """A strong tag of a version token (a version number, an update time): opaque to clients."""
    return '"' + hashlib.sha256(str(version).encode()).hexdigest()[:20] + '"'


def check_if_match(if_match: str | None, version: object, exists: bool = True) -> None:
    """Refuse a write made on another version than the current one (412); no header, or `*`, passes. A first
    version (`If-None-Match: *`) passes only while the record does not `exist`."""
    if if_match is None:
        return
    current = etag_of(version)
    if if_match == NO_VERSION_YET:
        if exists:
            raise PreconditionFailed(
                "This was recorded already: read it, then make your change on the current version (If-Match)",
                zh="该记录已存在：请读取后在最新版本上修改（If-Match）",
                current_etag=current,
            )
        return
    tags = [t.strip().removeprefix("W/") for t in if_match.split(",")]
    if "*" not in tags and current not in tags:
        raise PreconditionFailed(
            "Someone changed this since you read it: read it again, then make your change on the current version",
            zh="该记录已被他人修改：请重新读取后在最新版本上修改",
            current_etag=current,
        )


def tag(response: Response, version: object) -> None:
    """Answer the resource's current version as its ETag."""
    response.headers["ETag"] = etag_of(version)
