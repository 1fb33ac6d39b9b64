"""Commands about the installation itself: database migrations, serving, Django passthrough."""

import click
from django.utils.translation import gettext_lazy

from lindung.cli import emit
from lindung.formatting import number


@click.command()
def migrate():
    """Create or upgrade the database tables."""
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=1)


@click.command()
def setup():
    """Prepare a database for production: migrations plus the shipped reference data
    (regions, population, rules, funder-kind sources). Safe to run after every upgrade."""
    from django.conf import settings
    from django.core.management import call_command

    from lindung.reference import load_reference_data

    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        settings.DATA_DIR.mkdir(parents=True, exist_ok=True)  # the embedded database's folder
    call_command("migrate", interactive=False, verbosity=1)
    from django.utils.translation import gettext as _

    load_reference_data(echo=lambda summary: emit(summary, False, "✓ " + _(
        "Reference data: %(regions)s regions, rules, funder kinds (%(added)s funding sources added).") % {
        "regions": number(summary["regions"]), "added": number(summary["funder_kind_sources_added"])}))


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--threads", default=8, show_default=True, type=int)
def serve(host, port, threads):
    """Serve Lindung on an existing database (waitress, static files included)."""
    from lindung.serving import serve as run_server

    run_server(host=host, port=port, threads=threads)


@click.command(context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def manage(args):
    """Run a Django management command (e.g. `lindung manage createsuperuser`)."""
    from django.core.management import execute_from_command_line

    execute_from_command_line(["lindung manage", *args])


# The modes of settings.py, as people read them (the code stays in --json).
CHECK_MODES = {"production": gettext_lazy("production"), "demo": gettext_lazy("demo"),
               "dev": gettext_lazy("development"), "test": gettext_lazy("test")}


@click.command()
@click.option("--json", "as_json", is_flag=True)
def check(as_json):
    """Show the configuration in use (mode, database, data directory) and pending migrations."""
    from django.conf import settings
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    from lindung import routing

    executor = MigrationExecutor(connection)
    pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    info = {"mode": settings.MODE, "debug": settings.DEBUG, "database": connection.vendor,
            "data_dir": str(settings.DATA_DIR), "pending_migrations": len(pending)}
    from django.utils.translation import gettext as _

    database = {"sqlite": _("SQLite (embedded)"), "postgresql": "PostgreSQL"}.get(connection.vendor, connection.vendor)
    lines = [(_("Mode"), CHECK_MODES.get(settings.MODE, settings.MODE)), (_("Debugging"), _("on") if settings.DEBUG
                                                                             else _("off")),
             (_("Database"), database), (_("Data folder"), str(settings.DATA_DIR)),
             (_("Pending migrations"), number(len(pending))), (_("Files folder"), str(settings.MEDIA_ROOT))]
    info["files_dir"] = str(settings.MEDIA_ROOT)
    info["replicas"] = [routing.replica_state(alias) for alias in routing.replicas()]
    for state in info["replicas"]:
        lines.append((_("Read replica %(name)s") % {"name": state["alias"]}, _replica_text(state)))
    emit(info, as_json, "\n".join(f"{k}: {v}" for k, v in lines))


def _replica_text(state: dict) -> str:
    from django.utils.translation import gettext as _

    lag = {"seconds": number(state["lag_seconds"] or 0, None)}
    if state["available"]:
        return _("in use, %(seconds)s s behind the primary") % lag
    reason = {"down": _("does not answer"), "not_standby": _("not a standby"),
              "lagging": _("%(seconds)s s behind the primary") % lag}[state["problem"]]
    return _("not used: %(reason)s") % {"reason": reason}


@click.command("backup")
@click.argument("target", type=click.Path(dir_okay=False, writable=True))
def backup_command(target):
    """Back up the whole database to TARGET while Lindung keeps running (SQLite: online backup;
    PostgreSQL: pg_dump custom format). The file is readable by its owner only. The backup holds every
    worker's personal data, so it is recorded as one disclosure of the whole registry."""
    from django.utils.translation import gettext as _

    from lindung.accounts.access import Access
    from lindung.backup import backup

    path = backup(target)
    size = path.stat().st_size
    Access.console().disclose(Access.EVERY_WORKER, door="cli:backup", export=True, details={
        "file": str(path.resolve()), "bytes": size, "system_user": _system_user()})
    click.echo(_("%(path)s (%(size)s bytes)") % {"path": path, "size": number(size)})


def _system_user() -> str:
    """The operating-system account that ran the command: the console acts as no Lindung user, so this
    is who took the backup."""
    import getpass

    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return ""


@click.command("restore")
@click.argument("source", type=click.Path(exists=True, dir_okay=False))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def restore_command(source, yes):
    """Replace the configured database's contents with the backup SOURCE (stop `lindung serve` first)."""
    from django.db import connection

    from lindung.backup import restore

    from django.utils.translation import gettext as _

    if not yes:
        click.confirm(_("Replace everything in the %(vendor)s database with %(source)s?") % {
            "vendor": connection.vendor, "source": source}, abort=True)
    restore(source)
    click.echo(_("Restored from %(source)s.") % {"source": source})


@click.group("partitions")
def partitions_group():
    """Monthly partitions of the history tables on PostgreSQL (invoice lines, reserved and covered
    months, statement rows, audit entries). SQLite keeps plain tables: nothing to do there."""


def _partitioned_or_say_so(as_json) -> bool:
    from django.db import connection
    from django.utils.translation import gettext as _

    if connection.vendor == "postgresql":
        return True
    emit({"database": connection.vendor, "partitioned_tables": []}, as_json,
         _("This database (%(vendor)s) keeps plain tables: there are no partitions to manage.") % {
             "vendor": connection.vendor})
    return False


@partitions_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def partitions_list(as_json):
    """Each partitioned table with its partitions and their estimated rows."""
    from django.utils.translation import gettext as _

    from lindung import partitions

    if not _partitioned_or_say_so(as_json):
        return
    data = {table: {"key": key, "partitions": [p.as_dict() for p in partitions.partitions(table)]}
            for table, key in partitions.partitioned_tables().items()}
    lines = []
    for table, info in data.items():
        lines.append(_("%(table)s (by %(key)s): %(count)s partitions") % {
            "table": table, "key": info["key"], "count": number(len(info["partitions"]))})
        for part in info["partitions"]:
            rows = "–" if part["rows_estimate"] < 0 else number(part["rows_estimate"])
            lines.append(f"  {part['month'] or _('default')}: {part['partition']} (~{rows})")
    emit(data, as_json, "\n".join(lines))


@partitions_group.command("create")
@click.option("--ahead", default=3, show_default=True, type=click.IntRange(0, 120),
              help="Months after the current one to create.")
@click.option("--from", "since_text", default=None,
              help="YYYY-MM: also create the months from this one (before loading past months).")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def partitions_create(ahead, since_text, as_json):
    """Create the partitions of the current and the coming months, and of every month with rows waiting
    in the default partition (those rows move into it). Safe to run daily."""
    from django.utils.translation import gettext as _

    from lindung import partitions
    from lindung.months import parse_month

    if not _partitioned_or_say_so(as_json):
        return
    since = parse_month(since_text, "--from") if since_text else None
    created = partitions.ensure_partitions(ahead=ahead, since=since)
    lines = [_("%(partition)s created (%(moved)s rows moved from the default partition)") % {
        "partition": c["partition"], "moved": number(c["rows_moved"])} for c in created]
    emit(created, as_json, "\n".join(lines) or _("Every partition already exists."))


@partitions_group.command("detach")
@click.option("--table", "tables", multiple=True, required=True, help="A partitioned table (repeat for more).")
@click.option("--before", "before_text", required=True, help="YYYY-MM: detach the months before this one.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def partitions_detach(tables, before_text, as_json):
    """Detach the monthly partitions of TABLE before a month, for archiving: each stays in the database
    as a table of its own (no longer read by Lindung) until it is dumped with `pg_dump -t` and dropped."""
    from django.utils.translation import gettext as _

    from lindung import partitions
    from lindung.months import parse_month

    if not _partitioned_or_say_so(as_json):
        return
    detached = partitions.detach_before(list(tables), parse_month(before_text, "--before"))
    lines = [_("%(partition)s detached (%(month)s)") % c for c in detached]
    emit(detached, as_json, "\n".join(lines) or _("No partition is older than %(month)s.") % {"month": before_text})


commands = [migrate, setup, serve, manage, check, backup_command, restore_command, partitions_group]
