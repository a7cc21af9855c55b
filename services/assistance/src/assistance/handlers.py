"""All assistance subscriptions, in one list for the consumer."""

from assistance.projections.subscriptions import SUBSCRIPTIONS

__all__ = ["SUBSCRIPTIONS"]
