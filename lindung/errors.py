"""One base for every refusal a service makes, and one adapter per kind of door.

A service raises a ``DomainError`` (or a subclass) with a message already translated into the active
language, the input at fault (``field``, empty when the refusal is about the request as a whole) and the
HTTP status the API answers with. The doors never decide how a refusal looks:

- the API registers ``api_handler`` once (``lindung/api/urls.py``): a JSON body with ``message``,
  ``field`` (and ``detail``, the message again, as earlier releases answered) plus any structured details;
- pages call ``to_messages(request, exc)`` or ``to_form(form, exc)``;
- the ``lindung`` command turns any ``DomainError`` into one line and a non-zero exit (``lindung/cli.py``).
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _


class DomainError(Exception):
    """A request the domain rules refuse; the message says why, in the active language."""

    status = 422

    def __init__(self, message, field: str = "", *, status: int | None = None, lines=None, **details):
        super().__init__(message)
        self.message = str(message)
        self.field = field
        if status is not None:
            self.status = status
        self.lines = [str(line) for line in lines] if lines else [self.message]
        self.details = details

    @property
    def messages(self) -> list[str]:
        """The lines to show a person: the message, or ``lines`` when the refusal has several (one per
        bad parameter, one per row of a file)."""
        return self.lines

    def field_errors(self) -> dict[str, list[str]]:
        """{field: [message, ...]}; the field is "" when the refusal is about the request as a whole."""
        return {self.field: self.messages}

    def as_dict(self) -> dict:
        return {"detail": self.message, "message": self.message, "field": self.field, **self.details}


class InvalidInput(DomainError, ValueError):
    """Input that cannot be used as given (a malformed month, an unknown segment, a bad file row)."""


class Conflict(DomainError):
    """The request contradicts what is already recorded (someone else already pays, no budget left)."""

    status = 409


# --- the page adapter ----------------------------------------------------------------------------

def lines(exc: BaseException) -> list[str]:
    """What a page shows for a refusal: a domain error's lines, a validation error's messages, or the text."""
    if isinstance(exc, (DomainError, ValidationError)):
        return [str(m) for m in exc.messages]
    if isinstance(exc, PermissionDenied):
        return [str(exc) or _("Not allowed.")]
    return [str(exc)]


def to_messages(request, exc: BaseException) -> None:
    """Show a refusal at the top of the next page (Django's messages framework)."""
    for line in lines(exc):
        messages.error(request, line)


def to_form(form, exc: DomainError) -> None:
    """Attach a refusal to the form fields it names, or to the form as a whole."""
    for field, field_lines in exc.field_errors().items():
        for line in field_lines:
            form.add_error(field if field in form.fields else None, line)


# --- the API adapter -----------------------------------------------------------------------------

def api_handler(api):
    """The one django-ninja exception handler for domain refusals; register with ``api.exception_handler``."""

    def handle(request, exc: DomainError):
        return api.create_response(request, exc.as_dict(), status=exc.status)

    return handle
