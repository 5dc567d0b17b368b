"""Paying at the terminal: one order per intent, notifications, reconciliation, refunds."""
