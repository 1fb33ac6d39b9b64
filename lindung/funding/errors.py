"""Domain errors of the funding workflows, translated to clear messages by pages, API and CLI."""

from django.utils.translation import gettext as _

from lindung.formatting import label, number
from lindung.rules.choices import FundingSource

from lindung.errors import DomainError


class FundingError(DomainError):
    """A request the funding rules refuse; the message says why, in the active language."""

    def __init__(self, message: str, field: str = "", **details):
        super().__init__(message, field, **details)


class TooManyRequests(FundingError):
    """A user repeated a counted action (e.g. confirming and cancelling matches) too often."""

    status = 429


class BudgetShortfall(FundingError):
    """Approving would spend more than is left of a budget: the shortfall per fiscal year is shown."""

    status = 409

    def __init__(self, shortfalls: list[dict]):
        parts = [
            _("%(year)s %(source)s: needs Rp%(needed)s, Rp%(remaining)s left, short by Rp%(short)s") % {
                "year": s["fiscal_year"], "source": label(FundingSource, s["source"]), "needed": number(s["needed"]),
                "remaining": number(s["remaining"]), "short": number(s["shortfall"])}
            for s in shortfalls
        ]
        super().__init__(_("Not enough budget. %(parts)s.") % {"parts": "; ".join(parts)}, shortfalls=shortfalls)
        self.shortfalls = shortfalls


class AlreadyCovered(FundingError):
    """Another payer already holds some of these worker-programme-months."""

    status = 409

    def __init__(self, worker_ids: list[int], message: str | None = None):
        super().__init__(message or _(
            "%(n)d worker(s) already have a payer for some of these months (another funder may have just "
            "confirmed them). Nothing was saved; please choose again.") % {"n": len(worker_ids)},
            worker_ids=worker_ids)
        self.worker_ids = worker_ids
