"""Both catalogues ship, compiled, and every Indonesian string is translated."""

import gettext
import re
from pathlib import Path

LOCALE = Path(__file__).resolve().parent.parent / "lindung" / "locale"


def po_msgids(path: Path) -> set[str]:
    text = path.read_text(encoding="utf-8")
    ids = set()
    for block in re.findall(r'^msgid ((?:".*"\n)+)', text, flags=re.M):
        msgid = "".join(re.findall(r'^"(.*)"$', block, flags=re.M))
        if msgid:
            ids.add(msgid.encode().decode("unicode_escape").encode("latin-1").decode("utf-8"))
    return ids


def test_indonesian_catalogue_is_complete_and_compiled():
    po = LOCALE / "id" / "LC_MESSAGES" / "django.po"
    with open(LOCALE / "id" / "LC_MESSAGES" / "django.mo", "rb") as f:
        catalog = gettext.GNUTranslations(f)._catalog
    translated = {key if isinstance(key, str) else key[0] for key, value in catalog.items() if value}
    missing = sorted(po_msgids(po) - translated)
    assert not missing, f"{len(missing)} untranslated or not compiled, e.g. {missing[:3]}"


def test_english_catalogue_ships():
    assert (LOCALE / "en" / "LC_MESSAGES" / "django.mo").exists()
    assert (LOCALE / "en" / "LC_MESSAGES" / "django.po").exists()
