from common.policy import PackProjection
from intake.schema import Base


class PolicyPack(PackProjection, Base):
    """Screening's policy packs (screening.policy.v1): intake applies their identification variant (who
    reviews, whether and how long the notice runs), consent (who signs, how long it holds, who is exempt)."""

    __tablename__ = "policy_packs"
