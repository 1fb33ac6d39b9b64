import csv
import time

import click

from lindung.cli import emit


@click.group()
def regions():
    """Kemendagri regions and population denominators."""


@regions.command("load")
@click.option("--json", "as_json", is_flag=True)
def load(as_json):
    """Load (or refresh) the shipped Kemendagri 2025 regions and Dukcapil population. Idempotent."""
    from django.utils.translation import gettext as _

    from . import cache
    from .loader import load_regions

    started = time.monotonic()
    result = load_regions()
    cache.clear()
    data = {"regions": result.regions, "by_level": result.by_level, "populations": result.populations,
            "seconds": round(time.monotonic() - started, 2)}
    from lindung.formatting import number

    from .models import LEVEL_NAMES

    emit(data, as_json, _("%(regions)s regions (%(levels)s), %(pop)s population figures in %(s)ss.") % {
        "regions": number(result.regions), "pop": number(result.populations), "s": number(data["seconds"], 2),
        "levels": ", ".join(f"{LEVEL_NAMES[k].label.lower() if k in LEVEL_NAMES else k} {number(v)}"
                            for k, v in result.by_level.items())})


@regions.command("working-population")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
def working_population(file):
    """Import working-population figures (UCJ denominator) from a CSV: code,year,count[,source]."""
    from django.utils.translation import gettext as _

    from .loader import import_working_population

    with open(file, newline="", encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    count = import_working_population(rows)
    click.echo(_("%(count)d working-population figures saved.") % {"count": count})


command = regions
