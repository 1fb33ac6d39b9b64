"""Import work waiting for a user (the home page's inbox, see ``lindung.web.inbox``)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from .services import visible_jobs


def with_rejected_rows(jobs):
    """Finished imports whose report lists rejected rows (to correct and upload again)."""
    return jobs.filter(counts__rejected__gt=0)


def work_waiting(access, today) -> list[dict]:
    if not access.can("import.run"):
        return []
    return [{"key": "imports-rejected", "label": _("import reports with rejected rows"),
             "count": with_rejected_rows(visible_jobs(access)).count(), "url": reverse("imports") + "?rejected=1"}]
