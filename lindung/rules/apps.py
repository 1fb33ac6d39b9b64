from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RulesConfig(AppConfig):
    name = "lindung.rules"
    verbose_name = _("Contribution and benefit rules")

    def ready(self):
        from lindung.people import policy

        from .services import minimum_income_or_none

        policy.use_minimum_income_rule(minimum_income_or_none)  # the registry checks incomes against the rules
