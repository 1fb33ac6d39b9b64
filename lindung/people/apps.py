from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "lindung.people"
    verbose_name = _("People")

    def ready(self):
        from lindung.accounts.access import Access

        from .models import Worker

        Access.worker_model = Worker  # the rows every door's access object filters
