from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImportsConfig(AppConfig):
    name = "lindung.imports"
    verbose_name = _("Imports")

    def ready(self):
        # Uploaded lists live in the data directory beside the embedded database: keep both private.
        from django.db.backends.signals import connection_created

        from lindung.datadir import protect_sqlite_files

        connection_created.connect(protect_sqlite_files, dispatch_uid="lindung-private-sqlite")
