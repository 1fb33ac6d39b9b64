from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "lindung.reports"
    verbose_name = _("Reports")

    def ready(self):
        # Large reports share the background worker of the imports (`lindung worker`, `lindung serve`).
        from lindung.imports.worker import other_queues

        from .services import run_next

        if run_next not in other_queues:
            other_queues.append(run_next)
