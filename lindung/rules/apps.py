from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RulesConfig(AppConfig):
    name = "lindung.rules"
    verbose_name = _("Contribution and benefit rules")
