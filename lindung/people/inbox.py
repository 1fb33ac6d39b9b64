"""Registry work waiting for a user (the home page's inbox, see ``lindung.web.inbox``)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from .services import search_workers


def work_waiting(access, today) -> list[dict]:
    if not access.can("worker.edit"):
        return []
    return [{"key": "nik-flags", "label": _("workers with NIK flags to review"),
             "count": search_workers(access, flagged=True).count(), "url": reverse("workers") + "?flagged=1"}]
