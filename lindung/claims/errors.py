"""Domain errors of claims and life events, shown as clear messages by pages, API and CLI."""


class ClaimError(Exception):
    """A request the claim rules refuse; the message says why, in the active language."""

    status = 422

    def __init__(self, message: str, **details):
        super().__init__(message)
        self.message = message
        self.details = details
