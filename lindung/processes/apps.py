from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProcessesConfig(AppConfig):
    name = "lindung.processes"
    verbose_name = _("Processes")

    def ready(self):
        # The monthly partitions of the history tables (PostgreSQL) are created ahead by the workers once
        # a day, so that no month's rows land in the default partition (docs/partitions.md).
        from lindung.partitions import ensure_partitions

        from . import periodic

        periodic.register("partitions", lambda day: {"created": ensure_partitions(today=day)})
