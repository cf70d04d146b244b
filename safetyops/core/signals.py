"""Signals one domain app sends and another may receive, so that neither names the other.

`hazard_registered`: sent by inspections after the transaction that registered a hazard commits,
with `hazard_id` and `enterprise_id` (accountability checks the enterprise's daily 承诺公告 against it).
"""

from django.dispatch import Signal

hazard_registered = Signal()
