from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BillingConfig(AppConfig):
    name = "lindung.billing"
    verbose_name = _("Billing")

    def ready(self):
        from lindung.funding import budget

        from .payments import spent_for_budget

        budget.use_spent_for_budget(spent_for_budget)  # a budget's page shows what was paid from it
