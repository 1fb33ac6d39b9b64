"""Which workers a funder may see: those it pays or paid for."""

from lindung.people.models import Worker


def funder_worker_ids(funder_id: int):
    """Subquery of worker ids sponsored by the funder (sponsorships arrive with the funding module)."""
    return Worker.objects.none().values("id")
