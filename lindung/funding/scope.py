"""Which workers a funder may see: those it pays, paid or has been asked to pay for."""

from .models import Sponsorship


def funder_worker_ids(funder_id: int):
    """Subquery of the ids of workers with any sponsorship of the funder (any state).

    Used by the access layer for funder users; it stays a subquery so scope filters remain one SQL
    statement however many workers a funder pays for.
    """
    return Sponsorship.objects.filter(funder_id=funder_id).values("worker_id")
