"""Signals the campaign services send after their transaction commits, so that the other parts of
the app (activities, report tasks, reminders) act on a launch or an end without the core
services naming them. Receivers get `campaign_id`."""

from django.dispatch import Signal

campaign_launched = Signal()
campaign_ended = Signal()
