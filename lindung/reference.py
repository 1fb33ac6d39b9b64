"""Reference data shipped inside the package and loaded into every database.

One function so the demo, `lindung setup`, and the test suite load the same things: the Kemendagri
region tree with Dukcapil population, the contribution/benefit rules, and the funding sources each
kind of funder may use, and the auto-debit banks' file layouts. Each loader is idempotent.
"""

from lindung.autodebit.services import load_banks
from lindung.funding.kinds import load_kind_sources
from lindung.regions import cache
from lindung.regions.loader import load_regions
from lindung.regions.models import Region
from lindung.rules import book
from lindung.rules.loader import load_rules


def load_reference_data(echo=None) -> dict:
    summary = {}
    if Region.objects.count() != 91_599:
        summary["regions"] = load_regions().regions
    else:
        summary["regions"] = 91_599
    cache.clear()
    load_rules()
    book.clear()
    summary["funder_kind_sources_added"] = load_kind_sources()
    summary["autodebit_banks"] = load_banks()
    if echo:
        echo(summary)
    return summary
