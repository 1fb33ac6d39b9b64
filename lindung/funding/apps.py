from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FundingConfig(AppConfig):
    name = "lindung.funding"
    verbose_name = _("Funding")

    def ready(self):
        from lindung.accounts.access import Access

        from .scope import funder_worker_ids

        Access.funder_worker_ids = staticmethod(funder_worker_ids)  # what a funder user may see
