"""Funding work waiting for a user (the home page's inbox, see ``lindung.web.inbox``)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from .lifecycle import ending_soon, not_continued
from .scope import awaiting_approval


def work_waiting(access, today) -> list[dict]:
    items = []
    if access.can("sponsorship.approve"):
        items.append({"key": "lists-to-approve", "label": _("lists waiting for your approval"),
                      "count": len(awaiting_approval(access)),
                      "url": reverse("funding-lists") + "?state=to-approve"})
    if access.can("funding.view"):
        items.append({"key": "sponsorships-ending", "label": _("sponsorships ending within 30 days, not yet continued"),
                      "count": not_continued(ending_soon(access, today=today, days=30)).count(),
    "url": reverse("funding-ending") + "?days=30&open=1"})
    return items
