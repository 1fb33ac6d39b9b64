"""The REST API under /api/v1/: one NinjaAPI, one router per domain app.

Every endpoint authenticates (session cookie with CSRF, or a bearer token from
`lindung users token`) and reads data only through ``request.access``.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import ValidationError

from lindung.agents.api import router as agents_router
from lindung.autodebit.api import router as autodebit_router
from lindung.programmes.api import router as programmes_router
from lindung.reminders.api import router as reminders_router
from lindung.billing.api import router as billing_router
from lindung.claims.api import dci_router
from lindung.claims.api import router as claims_router
from lindung.coverage.api import router as coverage_router
from lindung.errors import DomainError, api_handler
from lindung.funding.api import router as funding_router
from lindung.people.api import router as people_router
from lindung.regions.api import router as regions_router
from lindung.reports.api import router as reports_router
from lindung.rules.api import router as rules_router

from .auth import AUTH
from .schema import LindungAPI, invalid_request, signed_in

api = LindungAPI(title="Lindung API", version="1", auth=AUTH, urls_namespace="api", docs_decorator=signed_in,
                 description="Regions, workers, rules, funding, billing, auto-debit, coverage and reports of Lindung. "
                             "Every operation may refuse with 401, 403, 404, 409, 422 or 429 and the `Error` body.")
api.add_router("/regions", regions_router)
api.add_router("/rules", rules_router)
api.add_router("/funding", funding_router)
api.add_router("/billing", billing_router)
api.add_router("/coverage", coverage_router)
api.add_router("/reports", reports_router)
api.add_router("/claims", claims_router)
api.add_router("/autodebit", autodebit_router)
api.add_router("/agents", agents_router)
api.add_router("/programmes", programmes_router)
api.add_router("/reminders", reminders_router)
api.add_router("/", people_router)
# Every refusal a service raises: {"message", "field", "detail", ...details} with the error's status.
api.exception_handler(DomainError)(api_handler(api))
# Input the schema refuses: 422 {"detail", "message", "field", "errors": [{"field", "message"}]}.
api.exception_handler(ValidationError)(invalid_request(api))

# Civil registries notify deaths here (DCI CRVS); they sign each message instead of logging in.
dci_api = NinjaAPI(title="Lindung DCI CRVS receiver", version="1", auth=None, urls_namespace="dci",
                   description="Death notifications from civil registries (DCI CRVS), signed with ed25519.")
dci_api.add_router("/", dci_router)


@api.exception_handler(PermissionDenied)
def permission_denied(request, exc):
    return api.create_response(request, {"detail": str(exc) or _("Not allowed.")}, status=403)


@api.exception_handler(Http404)
def not_found(request, exc):
    return api.create_response(request, {"detail": _("Not found.")}, status=404)
