"""Running the web app: waitress in front of Django, whitenoise serving the assets."""

import click


def pending_migrations() -> int:
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    return len(executor.migration_plan(executor.loader.graph.leaf_nodes()))


def serve(host: str = "127.0.0.1", port: int = 8000, threads: int = 8) -> None:
    from django.conf import settings
    from waitress import serve as waitress_serve

    if settings.STATIC_ROOT:
        settings.STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns when it is missing
    from lindung.wsgi import application

    if pending_migrations():
        raise click.ClickException(
            "The database is not up to date: run `lindung migrate` first. / "
            "Basis data belum mutakhir: jalankan `lindung migrate` dahulu."
        )
    from lindung.imports.worker import embedded_worker_enabled, start_worker_thread

    if embedded_worker_enabled():  # imports run in this process; production runs `lindung worker`
        start_worker_thread()
    click.echo(f"Lindung: http://{host}:{port}/  (Ctrl+C to stop)")
    waitress_serve(application, host=host, port=port, threads=threads, ident="lindung")
