"""The `lindung` console command: one click group, one subcommand per operator task.

Each domain app keeps its commands in its own ``cli.py`` (a click command or group named
``command``); they are listed in COMMAND_MODULES. Django is set up before any subcommand runs.

Mode: ``LINDUNG_MODE`` if set; otherwise ``demo`` when the data directory was made by
``lindung demo``; otherwise ``production`` (decided in settings.py, where every environment variable
is read).
"""

import importlib
import json
import os
import sys

import click
from django.core.exceptions import PermissionDenied

from lindung.errors import DomainError

COMMAND_MODULES = [
    "lindung.core_cli",
    "lindung.regions.cli",
    "lindung.people.cli",
    "lindung.accounts.cli",
    "lindung.rules.cli",
    "lindung.funding.cli",
    "lindung.billing.cli",
    "lindung.coverage.cli",
    "lindung.autodebit.cli",
    "lindung.agents.cli",
    "lindung.programmes.cli",
    "lindung.reminders.cli",
    "lindung.claims.cli",
    "lindung.imports.cli",
    "lindung.reports.cli",
    "lindung.demo.cli",
]


def setup_django(mode: str | None = None) -> None:
    import django
    from django.conf import settings

    if settings.configured:
        return
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lindung.settings")
    if mode:
        os.environ.setdefault("LINDUNG_MODE", mode)
    try:
        django.setup()
    except Exception as exc:  # configuration errors deserve one clear line, not a traceback
        from django.core.exceptions import ImproperlyConfigured

        if isinstance(exc, ImproperlyConfigured):
            raise click.ClickException(str(exc)) from None
        raise


def activate_language(lang: str | None) -> None:
    from django.conf import settings
    from django.utils import translation

    translation.activate(lang or settings.COMMAND_LANGUAGE or settings.LANGUAGE_CODE)


def emit(data, as_json: bool, text: str | None = None) -> None:
    """Print a result as JSON (for scripts) or as text (for people)."""
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))
    else:
        click.echo(text if text is not None else data)


class LazyGroup(click.Group):
    """Imports command modules only when the group is used, so `--help` stays fast."""

    def _load(self):
        if getattr(self, "_loaded", False):
            return
        self._loaded = True
        for name in COMMAND_MODULES:
            module = importlib.import_module(name)
            for command in getattr(module, "commands", [getattr(module, "command", None)]):
                if command is not None:
                    self.add_command(command)

    def list_commands(self, ctx):
        self._load()
        return super().list_commands(ctx)

    def get_command(self, ctx, name):
        self._load()
        return super().get_command(ctx, name)

    def invoke(self, ctx):
        """The command line's one adapter for refusals: the message on one line, exit status 1."""
        try:
            return super().invoke(ctx)
        except DomainError as exc:
            raise click.ClickException(exc.message) from None
        except PermissionDenied as exc:
            raise click.ClickException(str(exc) or "Not allowed.") from None


def this_month_text() -> str:
    """The default of ``--month``-like options: this month in the configured time zone, as YYYY-MM."""
    from lindung.months import month_label, this_month

    return month_label(this_month())


def today_text() -> str:
    """The default of date options: today in the configured time zone, as YYYY-MM-DD."""
    from lindung.months import today

    return today().isoformat()


@click.group(cls=LazyGroup)
@click.option("--lang", type=click.Choice(["id", "en"]), default=None,
              help="Language of messages (default: Indonesian, or LINDUNG_LANG).")
@click.pass_context
def main(ctx, lang):
    """Lindung: social-security cover for Indonesia's vulnerable workers."""
    ctx.ensure_object(dict)
    ctx.obj["lang"] = lang
    if "--help" in sys.argv[1:] or ctx.resilient_parsing:
        return
    setup_django("demo" if ctx.invoked_subcommand == "demo" else None)
    activate_language(lang)


def run():
    sys.exit(main())
