import click
from django.utils.translation import gettext as _

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
@click.option("--password-file", type=click.File("r"),
              help="Read the password from this file's first line ('-' for standard input).")
def create(username, role, regions, funder_id, password_file):
    """Create a user with a role and its regions.

    The role, regions and funder are checked before the password is asked for. Without a terminal
    (scripts, containers) the password is read from --password-file or the first line of standard
    input. Django's password validators apply: at least 8 characters, not common, not all digits, not
    like the username.
    """
    from django.core.exceptions import ValidationError

    from .models import User
    from .services import check_new_user, create_user

    funder_model = User._meta.get_field("funder").related_model  # funding.Funder, a floor above accounts
    funder = funder_model.objects.filter(pk=funder_id).first() if funder_id else None
    if funder_id and funder is None:
        raise click.ClickException(_("No funder with id %(id)s.") % {"id": funder_id})
    try:
        check_new_user(username, role, regions, funder)
        password = _password(password_file)
        user = create_user(username, password, role, regions, funder)
    except ValidationError as exc:
        raise click.ClickException(" ".join(exc.messages)) from None
    click.echo(f"{user.username} ({user.get_role_display()})")


def _password(password_file) -> str:
    import sys

    if password_file is not None:
        return password_file.readline().rstrip("\r\n")
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    return click.prompt(_("Password"), hide_input=True, confirmation_prompt=True)


@users.command("token")
@click.argument("username")
@click.option("--name", default="cli", show_default=True)
@click.option("--days", type=click.IntRange(1, 3650), default=None,
              help="Days until the token expires (default LINDUNG_TOKEN_DAYS, 90).")
def token(username, name, days):
    """Issue an API bearer token for a user (shown once)."""
    from .access import Access
    from .models import User
    from .services import issue_token

    user = User.objects.filter(username=username).first()
    if user is None:
        raise click.ClickException(f"No user {username!r}.")
    click.echo(issue_token(Access.console(), user, name, days=days))


@users.command("tokens")
@click.argument("username")
@click.option("--json", "as_json", is_flag=True)
def tokens(username, as_json):
    """List a user's API tokens: name, created, expires, last used, revoked."""
    from django.utils import timezone

    from .models import ApiToken

    def when(value):  # in the configured time zone, like the pages
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else None

    rows = [{"id": t.pk, "name": t.name, "created": when(t.created_at), "expires": when(t.expires_at),
             "last_used": when(t.last_used_at), "revoked": when(t.revoked_at), "usable": t.is_usable}
            for t in ApiToken.objects.filter(user__username=username).order_by("created_at", "id")]
    emit(rows, as_json, "\n".join(
        f"{r['id']:>5} {r['name']:20} {_('usable') if r['usable'] else _('revoked or expired')}, "
        f"{_('expires')} {r['expires'] or '–'}" for r in rows) or _("No tokens."))


@users.command("revoke-token")
@click.argument("token_id", type=int)
def revoke_token(token_id):
    """Revoke an API token at once (its id from `lindung users tokens`)."""
    from .access import Access
    from .models import ApiToken
    from .services import revoke_token as revoke

    try:
        revoke(Access.console(), token_id)
    except ApiToken.DoesNotExist:
        raise click.ClickException(_("No active token with id %(id)s.") % {"id": token_id}) from None
    click.echo(_("Token %(id)s revoked.") % {"id": token_id})


@users.command("list")
@click.option("--json", "as_json", is_flag=True)
def list_users(as_json):
    """List users with role and regions."""
    from .models import User

    users = list(User.objects.select_related("funder").order_by("username"))
    rows = [{"username": u.username, "role": u.role, "regions": u.region_codes(), "funder": u.funder_id}
            for u in users]
    emit(rows, as_json, "\n".join(  # the role by its label, a funder user with the funder's name
        f"{u.username:20} {u.get_role_display():34} {','.join(r['regions']) or (u.funder.name if u.funder else '')}"
        for u, r in zip(users, rows)))


command = users
