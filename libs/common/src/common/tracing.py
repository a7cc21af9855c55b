"""OpenTelemetry traces across the bus: a request, the outbox row it writes, the Kafka message (the W3C
`traceparent` in the CloudEvents distributed-tracing extension attribute), the consumer that applies it and
the ledger entry it becomes share one trace id. Spans are made always (so the ids propagate); they are
exported only where OTEL_EXPORTER_OTLP_ENDPOINT is set (OTLP over HTTP), off by default."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from opentelemetry import trace
from opentelemetry.context import Context
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from opentelemetry.trace import Link, SpanKind
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

from common.settings import CommonSettings

_PROPAGATOR = TraceContextTextMapPropagator()
_configured = False
tracer = trace.get_tracer("safetynet")


def configure(service: str, settings: CommonSettings) -> None:
    """Once per process: the provider that makes real (recording) spans, and the OTLP exporter if configured."""
    global _configured
    if _configured:
        return
    provider = TracerProvider(resource=Resource.create({"service.name": service}))
    if settings.otel_exporter_otlp_endpoint:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(endpoint=settings.otel_exporter_otlp_endpoint)))
    trace.set_tracer_provider(provider)
    _configured = True


def current_traceparent() -> str | None:
    """The W3C traceparent of the span now current, for an event written now (None outside any span)."""
    carrier: dict[str, str] = {}
    _PROPAGATOR.inject(carrier)
    return carrier.get("traceparent")


def context_of(traceparent: str | None) -> Context | None:
    return _PROPAGATOR.extract({"traceparent": traceparent}) if traceparent else None


def trace_id_of(traceparent: str | None) -> str | None:
    """The trace id (32 hex digits) of a traceparent, or None for none or a malformed one."""
    parts = (traceparent or "").split("-")
    if len(parts) == 4 and len(parts[1]) == 32 and all(c in "0123456789abcdef" for c in parts[1]):
        return parts[1] if parts[1] != "0" * 32 else None
    return None


@contextmanager
def server_span(name: str, headers: dict[str, str]) -> Iterator[Any]:
    """A request's span, continuing the caller's trace when it sent a traceparent."""
    with tracer.start_as_current_span(name, context=_PROPAGATOR.extract(headers), kind=SpanKind.SERVER) as span:
        yield span


@contextmanager
def consumer_span(name: str, traceparents: list[str | None]) -> Iterator[Any]:
    """Applying events: one event continues its trace (what it writes carries it on); a batch gets a span of
    its own linked to each event's."""
    if len(traceparents) == 1:
        with tracer.start_as_current_span(name, context=context_of(traceparents[0]), kind=SpanKind.CONSUMER) as span:
            yield span
        return
    links = [
        Link(trace.get_current_span(ctx).get_span_context())
        for ctx in (context_of(t) for t in traceparents)
        if ctx is not None
    ]
    with tracer.start_as_current_span(name, kind=SpanKind.CONSUMER, links=links) as span:
        yield span
