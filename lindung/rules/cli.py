import click

from lindung.cli import emit


@click.group()
def rules():
    """Contribution, relief and benefit rules (effective-dated data)."""


@rules.command("load")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def load(as_json):
    """Load the shipped rule data (lindung/rules/data/rules.json). Idempotent; locally changed rows are kept."""
    from django.utils.translation import gettext as _

    from .loader import RuleDataError, load_rules

    try:
        result = load_rules()
    except RuleDataError as exc:
        raise click.ClickException(str(exc)) from None
    text = _("Rules %(version)s: %(created)d created, %(updated)d updated, %(unchanged)d unchanged, "
             "%(holidays)d holidays added.") % result.as_dict()
    if result.kept_local:
        text += "\n" + _("Kept as changed locally: %(codes)s") % {"codes": ", ".join(result.kept_local)}
    emit(result.as_dict(), as_json, text)


commands = [rules]
