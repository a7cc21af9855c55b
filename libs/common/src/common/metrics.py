"""Prometheus metrics shared by every service (exposed at /metrics)."""

from prometheus_client import Counter, Histogram

HTTP_REQUESTS = Counter("http_requests_total", "HTTP requests", ["method", "route", "status"])
HTTP_LATENCY = Histogram("http_request_duration_seconds", "HTTP request latency", ["method", "route"])
OUTBOX_PUBLISHED = Counter("outbox_published_total", "Outbox events published", ["relay"])
OUTBOX_LAG = Histogram("outbox_publish_lag_seconds", "Commit-to-publish lag of the oldest event in a batch", ["relay"])
EVENTS_CONSUMED = Counter("events_consumed_total", "Events consumed", ["group", "topic", "outcome"])
# Households judged for a year without that year's own policy: by an earlier year's line ("assumed") or with
# no policy at all ("none"), per county and year. Alert on it: a jurisdiction is missing its monitoring line.
POLICY_GAPS = Counter(
    "screening_policy_gaps_total", "Judgements without the year's own policy", ["county", "year", "basis"]
)
