from django.apps import AppConfig
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _


class ProgrammesConfig(AppConfig):
    name = "lindung.programmes"
    verbose_name = _("Programmes")

    def ready(self):
        from lindung.coverage import filters

        from .services import coverage_filter_choices, narrow_to_programme

        filters.register(filters.Filter(name="programme", label=lambda: _t("Programme"),
                                        choices=coverage_filter_choices, narrow=narrow_to_programme))
