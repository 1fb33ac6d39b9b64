from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FundingConfig(AppConfig):
    name = "lindung.funding"
    verbose_name = _("Funding")
