"""The claims app ships its own Indonesian catalogue, complete and compiled."""

import gettext
from pathlib import Path

from .test_translations import po_msgids

LOCALE = Path(__file__).resolve().parent.parent / "lindung" / "claims" / "locale"


def test_claims_catalogue_is_complete_and_compiled():
    with open(LOCALE / "id" / "LC_MESSAGES" / "django.mo", "rb") as f:
        catalog = gettext.GNUTranslations(f)._catalog
    translated = {key if isinstance(key, str) else key[0] for key, value in catalog.items() if value}
    missing = sorted(po_msgids(LOCALE / "id" / "LC_MESSAGES" / "django.po") - translated)
    assert not missing, f"{len(missing)} untranslated or not compiled, e.g. {missing[:3]}"
