"""Ledger's subscriptions: every topic but its own, recorded in the log (entries/subscriptions.py)."""

from ledger.entries.subscriptions import SUBSCRIPTIONS

__all__ = ["SUBSCRIPTIONS"]
