"""``lindung agents``: the Perisai agents' commission statement, activity and acquisitions.

Commands act as the console operator (national scope) unless ``--as USERNAME`` names a user.
"""

import click

from lindung.billing.cli import access_for
from lindung.cli import emit
from lindung.formatting import rupiah

AS = click.option("--as", "username", default=None, help="Act as this user (default: console operator).")
JSON = click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")


@click.group("agents")
def command():
    """Perisai agents: monthly commission statement, activity (inactive agents), acquisitions."""


@command.command("commissions")
@click.option("--month", "month_text", required=True, help="The month, YYYY-MM.")
@AS
@JSON
def commissions_command(month_text, username, as_json):
    """The month's commission statement per agent and per wadah."""
    from lindung.months import parse_month

    from .services import commission_statement

    data = commission_statement(access_for(username), parse_month(month_text))
    lines = [f"{a['agent']:20} {a['wadah']:24} {a['collections']:>5} {rupiah(a['collected']):>14} "
             f"{rupiah(a['agent_share']):>12} {rupiah(a['wadah_share']):>11}" for a in data["agents"]]
    lines += [f"{'= ' + (w['wadah'] or '-'):45} {rupiah(w['collected']):>14} {rupiah(w['wadah_share']):>11}"
              for w in data["wadahs"]]
    emit(data, as_json, "\n".join(lines) or "-")


@command.command("activity")
@click.option("--date", "day_text", default=None, help="The day to judge, YYYY-MM-DD (default: today).")
@AS
@JSON
def activity_command(day_text, username, as_json):
    """Agents and whether they are active (a new member within the rule's months) or inactive."""
    from django.utils.translation import gettext as _

    from lindung.months import parse_day

    from .services import activity

    rows = [a.as_dict() for a in activity(access_for(username), parse_day(day_text) if day_text else None)]
    emit(rows, as_json, "\n".join(
        f"{r['agent']:20} {_('active') if r['active'] else _('inactive'):10} "
        f"{r['last_new_member'] or '-'!s:12} {r['workers']:>6}" for r in rows) or "-")


@command.command("workers")
@click.argument("agent")
@AS
@JSON
def workers_command(agent, username, as_json):
    """An agent's workers, for reassignment (NIKs masked as your role requires)."""
    from .services import workers_to_reassign

    access = access_for(username)
    rows = [{"id": w.pk, "name": w.name, "nik": access.nik_for_display(w), "village": w.village_id}
            for w in workers_to_reassign(access, _agent(agent))]
    access.disclose([r["id"] for r in rows], door="cli:agents workers")
    emit(rows, as_json, "\n".join(f"{r['id']:>8} {r['nik']} {r['village']} {r['name']}" for r in rows) or "-")


@command.command("reassign")
@click.argument("from_agent")
@click.argument("to_agent")
@AS
def reassign_command(from_agent, to_agent, username):
    """Move all of an agent's workers to another agent."""
    from django.utils.translation import gettext as _

    from .services import reassign

    moved = reassign(access_for(username), _agent(from_agent), _agent(to_agent))
    click.echo(_("%(n)d workers moved.") % {"n": moved})


@command.command("acquisition")
@click.option("--date", "day_text", default=None, help="The day to judge, YYYY-MM-DD (default: today).")
@AS
@JSON
def acquisition_command(day_text, username, as_json):
    """Per agent: workers registered, acquired (enough contribution months), not yet."""
    from lindung.months import parse_day

    from .services import acquisition

    rows = acquisition(access_for(username), parse_day(day_text) if day_text else None)
    emit(rows, as_json, "\n".join(f"{r['agent']:20} {r['registered']:>6} {r['acquired']:>6} {r['not_yet']:>6}"
                                  for r in rows) or "-")


def _agent(username: str):
    from django.utils.translation import gettext as _

    from lindung.accounts.models import Role, User

    agent = User.objects.filter(username=username, role=Role.AGENT).first()
    if agent is None:
        raise click.ClickException(_("No agent %(name)s.") % {"name": username})
    return agent
