from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FundingConfig(AppConfig):
    name = "lindung.funding"
    verbose_name = _("Funding")

    def ready(self):
        from lindung.accounts.access import Access

        from .scope import funder_worker_ids

        Access.funder_worker_ids = staticmethod(funder_worker_ids)  # what a funder user may see
        # The daily lifecycle run (activate begun, end finished sponsorships): `lindung worker` runs it
        # once a day whatever the number of workers (``lindung sponsorships end-due`` by hand or cron).
        from lindung.processes import periodic

        from .lifecycle import advance_sponsorships

        periodic.register("sponsorship-lifecycle", advance_sponsorships)
