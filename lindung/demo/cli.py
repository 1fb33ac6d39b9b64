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

    from django.utils.translation import gettext as _

    from lindung.formatting import number

    from .coverage import GRESIK_MEMBERS
    from .scenario import seed

    started = time.monotonic()

    def took() -> str:
        return _("%(seconds)s s") % {"seconds": number(time.monotonic() - started, 1)}

    click.echo(_("Data: %(path)s") % {"path": settings.DATA_DIR})
    private_dir(settings.DATA_DIR)
    call_command("migrate", interactive=False, verbosity=0)
    click.echo("✓ " + _("database ready (%(took)s)") % {"took": took()})
    reference = load_reference_data()
    click.echo("✓ " + _("%(regions)s regions, rules, funder kinds (%(took)s)") % {
        "regions": number(reference["regions"]), "took": took()})
    from lindung.accounts.models import User

    if not User.objects.exists():
        result = seed(gresik_members=round(GRESIK_MEMBERS / 10) if gresik_members is None else gresik_members)
        click.echo("✓ " + _("%(workers)s demo workers (%(took)s)") % {
            "workers": number(result["workers"]), "took": took()})
    else:
        click.echo("✓ " + _("existing demo data kept: %(workers)s workers") % {
            "workers": number(Worker.objects.count())})
    settings.DEMO_MARKER.write_text("This data directory was created by `lindung demo`.\n")

    from .scenario import PASSWORD

    click.echo("\n" + _("Logins (password for all: %(password)s):") % {"password": PASSWORD})
    for user in User.objects.order_by("id"):
        regions = ",".join(user.region_codes())
        click.echo(f"  {user.username:18} {user.get_role_display()}{' · ' + regions if regions else ''}")
    if not no_serve:
        from lindung.serving import serve

        serve(host=host, port=port)


command = demo
