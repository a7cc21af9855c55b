"""Prometheus metrics shared by every service (exposed at /metrics)."""

from prometheus_client import Counter, Gauge, Histogram

HTTP_REQUESTS = Counter("http_requests_total", "HTTP requests", ["method", "route", "status"])
HTTP_LATENCY = Histogram("http_request_duration_seconds", "HTTP request latency", ["method", "route"])
OUTBOX_PUBLISHED = Counter("outbox_published_total", "Outbox events published", ["relay"])
OUTBOX_LAG = Histogram("outbox_publish_lag_seconds", "Commit-to-publish lag of the oldest event in a batch", ["relay"])
EVENTS_CONSUMED = Counter("events_consumed_total", "Events consumed", ["group", "topic", "outcome"])
# What an operator alerts on (deploy/monitoring/alerts.yaml): a consumer falling behind, events stuck in the
# outbox, events sent to a dead-letter topic, a relay that cannot publish.
CONSUMER_LAG = Gauge(
    "consumer_lag_messages", "Messages on a partition not yet consumed by the group", ["group", "topic", "partition"]
)
DEAD_LETTERED = Counter("events_dead_lettered_total", "Events sent to a dead-letter topic", ["group", "topic"])
DEAD_LETTERS_KEPT = Counter(
    "events_dead_letters_kept_total",
    "Events the dead-letter topic would not take, kept in the service's dead_letters table",
    ["group", "topic"],
)
# How long the consumer has been on its current batch (0 when idle): a partition held by one message shows here.
CONSUMER_BUSY = Gauge("consumer_busy_seconds", "Seconds the consumer has spent on its current batch", ["group"])
RELAY_FAILURES = Counter("outbox_relay_failures_total", "Failed attempts to publish outbox rows", ["relay"])
OUTBOX_BACKLOG = Gauge("outbox_backlog_events", "Outbox rows not yet published", ["service"])
OUTBOX_OLDEST = Gauge("outbox_oldest_unsent_seconds", "Age of the oldest unpublished outbox row", ["service"])
# Households judged for a year without that year's own policy: by an earlier year's line ("assumed") or with
# no policy at all ("none"), per county and year. Alert on it: a jurisdiction is missing its monitoring line.
POLICY_GAPS = Counter(
    "screening_policy_gaps_total", "Judgements without the year's own policy", ["county", "year", "basis"]
)
# Intake's registry notifications withheld at delivery because their target is not allowed (an internal
# address, a host no longer listed): a subscriber probing the network, or a registry that moved.
NOTIFY_REFUSED = Counter("registry_notify_refused_total", "Registry notifications withheld: target not allowed")
# Attachments whose stored file failed its check when served (changed, or missing from the store): evidence
# has been tampered with or lost. Alerted on (deploy/monitoring/alerts.yaml).
ATTACHMENT_INTEGRITY = Counter(
    "attachment_integrity_failures_total",
    "Attachment downloads refused: the stored file changed or missing",
    ["reason"],
)
