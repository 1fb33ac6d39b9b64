"""``lindung reminders``: the daily list of self-payers due or overdue and sponsorships ending, per agent
and village; ``--send`` hands each recipient its part through the configured sender."""

import click

from lindung.billing.cli import access_for
from lindung.cli import emit


@click.command("reminders")
@click.option("--date", "day_text", default=None, help="The day to remind for, YYYY-MM-DD (default: today).")
@click.option("--send", is_flag=True, help="Send each agent and village operator its reminders.")
@click.option("--sender", default=None, help="console or email (default: LINDUNG_REMINDER_SENDER).")
@click.option("--as", "username", default=None, help="Act as this user (default: console operator).")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def command(day_text, send, sender, username, as_json):
    """Self-payers whose contribution is due within 5 days or unpaid after the due date, and sponsorships
    ending within 30 days — per agent and village. Run daily."""
    from django.utils.translation import gettext as _

    from lindung.months import parse_day

    from .senders import get_sender
    from .services import grouped, message_for, reminders, send_daily

    access = access_for(username)
    day = parse_day(day_text) if day_text else None
    if send:
        count = send_daily(access, get_sender(sender), day)
        click.echo(_("%(n)d reminder messages sent.") % {"n": count})
        return
    items = reminders(access, day)
    access.disclose([item.worker_id for item in items], door="cli:reminders")
    by_village = grouped(items)["villages"]
    text = "\n\n".join(f"{code} {own[0].village}\n{message_for(own, day)}" for code, own in by_village.items()) or "-"
    emit([item.as_dict() for item in items], as_json, text)
