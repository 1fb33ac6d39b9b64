import time

import click


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--no-serve", is_flag=True, help="Prepare the demo database and exit.")
@click.option("--gresik-members", type=int, default=None,
              help="Size of Gresik's December 2022 member cohort (default: 24,778, a tenth of the 247,777 "
                   "reported, so the demo is ready in seconds; 247777 reproduces the 39.40 % coverage).")
def demo(host, port, no_serve, gresik_members):
    """Create the embedded demo database, load regions, seed the scenario, print logins and serve."""
    from django.conf import settings
    from django.core.management import call_command

    from lindung.datadir import private_dir
    from lindung.people.models import Worker
    from lindung.reference import load_reference_data

    from .coverage import GRESIK_MEMBERS
    from .scenario import seed

    started = time.monotonic()
    click.echo(f"Data: {settings.DATA_DIR}")
    private_dir(settings.DATA_DIR)
    call_command("migrate", interactive=False, verbosity=0)
    click.echo(f"✓ database ready ({time.monotonic() - started:.1f}s)")
    reference = load_reference_data()
    click.echo(f"✓ {reference['regions']:,} regions, rules, funder kinds ({time.monotonic() - started:.1f}s)")
    from lindung.accounts.models import User

    if not User.objects.exists():
        result = seed(gresik_members=round(GRESIK_MEMBERS / 10) if gresik_members is None else gresik_members)
        click.echo(f"✓ {result['workers']:,} demo workers ({time.monotonic() - started:.1f}s)")
    else:
        click.echo(f"✓ existing demo data kept: {Worker.objects.count():,} workers")
    settings.DEMO_MARKER.write_text("This data directory was created by `lindung demo`.\n")

    from .scenario import PASSWORD

    click.echo("\nLogins (password for all: %s):" % PASSWORD)
    for user in User.objects.order_by("id"):
        regions = ",".join(user.region_codes())
        click.echo(f"  {user.username:18} {user.get_role_display()}{' · ' + regions if regions else ''}")
    if not no_serve:
        from lindung.serving import serve

        serve(host=host, port=port)


command = demo
