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
        click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=_json_value))
    else:
        click.echo(text if text is not None else data)


def _json_value(value):
    """Dates and times in JSON output: ISO 8601, times in the configured time zone with its offset."""
    import datetime as dt

    if isinstance(value, dt.datetime):
        from django.utils import timezone

        return (timezone.localtime(value) if timezone.is_aware(value) else value).isoformat()
    return str(value)


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
        """The command line's one adapter for failures: one line in the user's language, exit status 1."""
        try:
            return super().invoke(ctx)
        except (click.exceptions.UsageError, click.exceptions.Exit, click.exceptions.Abort, Failure):
            raise
        except click.ClickException as exc:
            raise Failure(exc.format_message()) from None
        except Exception as exc:  # noqa: BLE001 — every failure becomes one line (LINDUNG_TRACEBACK=1 shows it)
            if _show_traceback():
                raise
            raise Failure(failure_line(exc)) from None


def _show_traceback() -> bool:
    """LINDUNG_TRACEBACK (read in settings.py) asks for the full traceback instead of one line."""
    from django.conf import settings

    return bool(settings.configured and getattr(settings, "COMMAND_TRACEBACK", False))


class Failure(click.ClickException):
    """A failed command: ``Galat: …`` (``Error: …`` in English) on standard error, exit status 1."""

    def show(self, file=None):
        from django.conf import settings

        message = " ".join(self.format_message().split())  # one line, whatever the cause wrote
        if settings.configured:
            from django.utils.translation import gettext as _

            message = _("Error: %(message)s") % {"message": message}
        else:
            message = f"Error: {message}"
        click.echo(message, err=True, file=file)


def failure_line(exc: BaseException) -> str:
    """What the command line says when a command fails: why, and what to do about it."""
    from pathlib import Path

    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured, ValidationError
    from django.db import DatabaseError
    from django.utils.translation import gettext as _

    if isinstance(exc, DomainError):
        return " ".join(exc.messages)
    if isinstance(exc, PermissionDenied):
        return str(exc) or _("Not allowed.")
    if isinstance(exc, ValidationError):
        return " ".join(str(m) for m in exc.messages)
    if isinstance(exc, ImproperlyConfigured):
        return str(exc)
    if isinstance(exc, DatabaseError):
        database = settings.DATABASES["default"]
        if database["ENGINE"].endswith("sqlite3"):
            where = str(database["NAME"])
            if not Path(where).parent.is_dir():
                return _("The database %(path)s cannot be opened: its folder does not exist. Run `lindung setup` "
                         "(it creates the folder), `lindung demo`, or set LINDUNG_DATA_DIR or DATABASE_URL.") % {
                    "path": where}
        else:
            where = f"{database.get('HOST') or 'localhost'}:{database.get('PORT') or ''}/{database.get('NAME')}"
        return _("The database %(where)s cannot be used: %(error)s. Check DATABASE_URL and that the database "
                 "server is running.") % {"where": where, "error": str(exc).strip().splitlines()[0] if str(exc) else
                                          type(exc).__name__}
    if isinstance(exc, OSError):
        return _("%(error)s (file or folder: %(path)s).") % {"error": exc.strerror or exc, "path": exc.filename or "–"}
    return _("Lindung stopped: %(error)s. Set LINDUNG_TRACEBACK=1 to see where.") % {
        "error": str(exc) or type(exc).__name__}


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
