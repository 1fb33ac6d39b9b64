from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClaimsConfig(AppConfig):
    name = "lindung.claims"
    verbose_name = _("Claims and benefits")
    default_auto_field = "django.db.models.BigAutoField"
