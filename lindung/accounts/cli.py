import click

from lindung.cli import emit


@click.group()
def users():
    """User accounts, roles and API tokens."""


@users.command("create")
@click.argument("username")
@click.option("--role", required=True, type=click.Choice(
    ["national_admin", "branch_officer", "regional_operator", "village_operator", "funder_user", "agent"]))
@click.option("--region", "regions", multiple=True, help="Assigned region code (repeatable).")
@click.option("--funder", "funder_id", type=int, help="Funder id, for funder users.")
@click.password_option()
def create(username, role, regions, funder_id, password):
    """Create a user with a role and its regions."""
    from django.core.exceptions import ValidationError

    from lindung.funding.models import Funder

    from .services import create_user

    funder = Funder.objects.filter(pk=funder_id).first() if funder_id else None
    try:
        user = create_user(username, password, role, regions, funder)
    except ValidationError as exc:
        raise click.ClickException("; ".join(exc.messages)) from None
    click.echo(f"{user.username} ({user.get_role_display()})")


@users.command("token")
@click.argument("username")
@click.option("--name", default="cli", show_default=True)
def token(username, name):
    """Issue an API bearer token for a user (shown once)."""
    from .models import ApiToken, User

    user = User.objects.filter(username=username).first()
    if user is None:
        raise click.ClickException(f"No user {username!r}.")
    click.echo(ApiToken.issue(user, name))


@users.command("list")
@click.option("--json", "as_json", is_flag=True)
def list_users(as_json):
    """List users with role and regions."""
    from .models import User

    rows = [{"username": u.username, "role": u.role, "regions": u.region_codes(), "funder": u.funder_id}
            for u in User.objects.order_by("username")]
    emit(rows, as_json, "\n".join(f"{r['username']:20} {r['role']:18} {','.join(r['regions'])}" for r in rows))


command = users
