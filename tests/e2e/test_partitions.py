"""Topics are created with the partitions their settings give: the department feeds carry the volume and get
more (so that more replicas of screening can share one), the rest and every dead-letter topic the default."""

from typing import Any

from aiokafka.admin import AIOKafkaAdminClient

from screening.config import settings


async def test_feed_topics_have_the_feed_partitions_and_the_others_the_default(services: Any) -> None:
    await services.client("screening")
    admin = AIOKafkaAdminClient(bootstrap_servers=settings.kafka_bootstrap_servers)
    await admin.start()
    try:
        topics = ["dept.housing.v1", "dept.finance.v1", "dept.housing.v1.dlq", "intake.case.v1", "screening.alert.v1"]
        found = {t["topic"]: len(t["partitions"]) for t in await admin.describe_topics(topics)}
    finally:
        await admin.close()
    feeds, others = settings.dept_topic_partitions, settings.topic_partitions
    assert feeds != others  # the session's setting (conftest: 4) shows the feeds' count is applied
    assert found == {
        "dept.housing.v1": feeds,
        "dept.finance.v1": feeds,
        "dept.housing.v1.dlq": others,
        "intake.case.v1": others,
        "screening.alert.v1": others,
    }


def test_the_feeds_default_to_twelve_partitions() -> None:
    from common.settings import CommonSettings

    defaults = CommonSettings.model_fields
    assert defaults["dept_topic_partitions"].default == 12 and defaults["topic_partitions"].default == 3
