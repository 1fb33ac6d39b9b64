from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AutodebitConfig(AppConfig):
    name = "lindung.autodebit"
    verbose_name = _("Auto-debit")
