"""Domain errors of claims and life events, shown as clear messages by pages, API and CLI."""

from lindung.errors import DomainError


class ClaimError(DomainError):
    """A request the claim rules refuse; the message says why, in the active language."""
