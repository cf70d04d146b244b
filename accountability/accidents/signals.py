"""Sent by the accident services after the change commits, so that what reads accidents (the
control-indicator warnings) hears at once without the registry knowing it."""

from __future__ import annotations

from django.dispatch import Signal

# Sent with accident_id=<pk> after an accident is registered, revised or re-graded (on commit).
accident_changed = Signal()
