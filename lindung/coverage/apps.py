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
        # With LINDUNG_SNAPSHOT_DAY set, `lindung worker` takes the previous month's snapshot on that day
        # of every month, once whatever the number of workers.
        from lindung.processes import periodic

        from .snapshots import scheduled_snapshot, snapshot_due

        periodic.register("coverage-snapshot", scheduled_snapshot, due=snapshot_due)
