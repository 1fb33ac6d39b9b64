"""Claims work waiting for a user (the home page's inbox, see ``lindung.web.inbox``)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from .models import ClaimState
from .scope import visible_claims


def work_waiting(access, today) -> list[dict]:
    if not access.can("claim.documents"):
        return []
    return [{"key": "claims-documents", "label": _("claims waiting for documents"),
             "count": visible_claims(access).filter(state=ClaimState.DOCUMENTS_MISSING).count(),
             "url": reverse("claims-home") + f"?state={ClaimState.DOCUMENTS_MISSING}"}]
