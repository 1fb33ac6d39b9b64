from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoverageConfig(AppConfig):
    name = "lindung.coverage"
    verbose_name = _("Coverage")

    def ready(self):
        # Coverage follows billing: paid lines change who is covered (see lindung.coverage.receivers).
        from lindung.rules import planner

        from . import receivers  # noqa: F401
        from .services import active_members

        planner.use_active_members(active_members)  # the budget planner's default for a coverage target
