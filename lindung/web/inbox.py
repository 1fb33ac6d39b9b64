"""The home page as a work inbox: what is waiting for this user, each a count linking to the list it counts.

Every domain app may have an ``inbox.py`` with ``work_waiting(access, today) -> list[dict]``; each dict is
``{"key", "label", "count", "url"}``, where ``count`` comes from the very query the list at ``url`` shows
(so the number on the home page is the number of rows the user finds after the click), scoped by the
access layer. An app offers only what the user's role may act on. A new app (claims, reports) joins by
adding its own ``inbox.py``; nothing here changes.
"""

import importlib
import importlib.util

from django.apps import apps


def work_waiting(access, today) -> list[dict]:
    items = []
    for config in apps.get_app_configs():
        if not config.name.startswith("lindung."):
            continue
        module_name = f"{config.name}.inbox"
        if module_name == __name__ or importlib.util.find_spec(module_name) is None:
            continue
        module = importlib.import_module(module_name)
        items.extend(module.work_waiting(access, today))
    return items
