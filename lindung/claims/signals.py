"""What claims tell the rest of the system, after the change has committed.

- ``death_confirmed(sender=LifeEvent, event=…)``: a worker's death was confirmed.
- ``claim_moved(sender=Claim, claim=…, from_state=…, to_state=…)``: a claim changed state.
"""

from django.dispatch import Signal

death_confirmed = Signal()
claim_moved = Signal()
