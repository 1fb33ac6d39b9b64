"""What the API promises in its OpenAPI schema, and the refusals it answers with.

- Every operation declares the refusals any request may meet — 400 (a body that cannot be read), 401 (not signed in), 403 (role or
  scope), 404 (nothing there, or not yours), 409 (conflicts with what is recorded), 422 (invalid
  input), 429 (too many attempts) — each with the one error body (``Error``) that
  ``lindung.errors.api_handler`` and ``invalid_request`` below write.
- Invalid input (a path, query or body the schema refuses: out of range, too long, a NUL byte, a bad
  date) answers 422 with one message per field in the user's language, never a server error.
- The schema and the interactive documentation are served only to signed-in users (session or token).
"""

from functools import wraps

from django.http import JsonResponse
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import ValidationError

from lindung.limits import date_window

from . import fields
from .auth import TokenAuth

REFUSALS = {
    "400": "The request body could not be read (not JSON, or not the form the operation expects)",
    "401": "Not signed in (no session cookie or bearer token, or an expired or revoked token)",
    "403": "Your role or scope does not allow this",
    "404": "Not found, or outside your scope",
    "409": "Conflicts with what is already recorded",
    "422": "Invalid input: `field` names the input at fault, `errors` lists every field's message",
    "429": "Too many attempts; wait and try again",
}

ERROR_SCHEMA = {
    "title": "Error",
    "type": "object",
    "properties": {
        "detail": {"title": "Detail", "type": "string"},
        "message": {"title": "Message", "type": "string"},
        "field": {"title": "Field", "type": "string"},
        "errors": {"title": "Errors", "description": "Invalid input: [{field, message}]; invalid records: "
                                                    "{field: [message]}; a refused file: [message]"},
    },
    "required": ["detail"],
    "additionalProperties": True,
}


class LindungAPI(NinjaAPI):
    def get_openapi_schema(self, *args, **kwargs):
        schema = super().get_openapi_schema(*args, **kwargs)
        schema.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
        ref = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
        for path in schema.get("paths", {}).values():
            for operation in path.values():
                responses = operation.setdefault("responses", {})
                for status, description in REFUSALS.items():
                    responses.setdefault(status, {"description": description, **ref})
        return schema


# Messages for pydantic's error types, in the active language.
def _message(error: dict) -> str:
    kind, ctx = error.get("type", ""), error.get("ctx") or {}
    if kind == "missing":
        return _("This field is required.")
    if kind in ("less_than_equal", "less_than"):
        return _("Must be at most %(limit)s.") % {"limit": _number(ctx.get("le", ctx.get("lt")))}
    if kind in ("greater_than_equal", "greater_than"):
        return _("Must be at least %(limit)s.") % {"limit": _number(ctx.get("ge", ctx.get("gt")))}
    if kind == "string_too_long":
        return _("At most %(n)s characters.") % {"n": ctx.get("max_length")}
    if kind == "string_too_short":
        return _("At least %(n)s characters.") % {"n": ctx.get("min_length")}
    if kind == "string_pattern_mismatch":
        return _pattern_message(ctx.get("pattern", ""))
    if kind.startswith("int_") or kind == "int_type":
        return _("Must be a whole number.")
    if kind.startswith("date") or kind.startswith("datetime"):
        return _("Must be a date (YYYY-MM-DD) between %(low)s and %(high)s.") % _window()
    if kind == "value_error" and ("date outside" in str(error.get("msg", "")) or
                                  "a date written" in str(error.get("msg", ""))):
        return _("Must be a date (YYYY-MM-DD) between %(low)s and %(high)s.") % _window()
    if kind.startswith("bool"):
        return _("Must be true or false.")
    if kind in ("list_type", "dict_type", "model_type", "model_attributes_type"):
        return _("Has the wrong shape.")
    if kind == "too_long":
        return _("Too many items (at most %(n)s).") % {"n": ctx.get("max_length")}
    if kind.startswith("json"):
        return _("The request body is not valid JSON.")
    return _("Invalid value.")


def _pattern_message(pattern: str) -> str:
    """What a pattern asks for, in words (``lindung.api.fields``)."""
    if fields.MONTH in pattern:
        return _("Must be a month written YYYY-MM between %(low)s and %(high)s.") % _window()
    if fields.DATE in pattern:
        return _("Must be a date (YYYY-MM-DD) between %(low)s and %(high)s.") % _window()
    if fields.REGION in pattern:
        return _("Must be a region code (2, 4, 6 or 10 digits).")
    if pattern == fields.NO_NUL:
        return _("Contains characters that are not allowed (such as a NUL byte).")
    return _("Is not written in the expected form.")


def _number(value) -> str:
    return number_format(value, use_l10n=True, force_grouping=True) if isinstance(value, int) else str(value)


def _window() -> dict:
    low, high = date_window()
    return {"low": low.isoformat(), "high": high.isoformat()}


def _field(error: dict) -> str:
    loc = [str(p) for p in error.get("loc", ()) if p not in ("body", "query", "path", "payload")]
    return ".".join(loc)


def invalid_request(api):
    """The handler for requests the schema refuses: 422 with every field's message, translated."""

    def handle(request, exc: ValidationError):
        errors = [{"field": _field(e), "message": _message(e)} for e in exc.errors]
        first = errors[0] if errors else {"field": "", "message": _("Invalid request.")}
        detail = f"{first['field']}: {first['message']}" if first["field"] else first["message"]
        return api.create_response(request, {"detail": detail, "message": detail, "field": first["field"],
                                             "errors": errors}, status=422)

    return handle


def signed_in(view):
    """The schema and docs for signed-in users: a session, or a valid bearer token."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            header = request.headers.get("Authorization", "")
            token = header[7:].strip() if header.lower().startswith("bearer ") else ""
            if not (token and TokenAuth().authenticate(request, token)):
                return JsonResponse({"detail": _("Sign in to read the API documentation.")}, status=401)
        return view(request, *args, **kwargs)

    return wrapper
