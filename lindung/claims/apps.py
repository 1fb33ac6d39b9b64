from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClaimsConfig(AppConfig):
    name = "lindung.claims"
    verbose_name = _("Claims and benefits")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Civil-registry notifications are acknowledged at once and processed by the background
        # worker that also runs imports (lindung serve / lindung imports work).
        from lindung.imports.worker import other_queues

        from .dci import process_next

        if process_next not in other_queues:
            other_queues.append(process_next)
