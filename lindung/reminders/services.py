"""Daily reminders without a network: who must be reminded of what, per agent and per village.

Three kinds, read from billing and funding (nothing is stored):

- **due soon**: a self-payer's invoice not yet fully paid whose due date falls within the next
  ``due_soon_days`` days (the due date is the rules' — BPU: the 15th, next working day);
- **overdue**: a self-payer's invoice still unpaid after its due date;
- **ending**: a sponsorship whose cover ends within ``ending_days`` days and that nobody continues yet.

Both windows are rule data (``reminders``, effective-dated), read for the day the reminders are for.

Each item names the worker's village and his agent (the self-payer's collecting agent, or the agent who
registered him), so the list can be handed to each agent and each village — printed, exported or sent
through a sender (``lindung.reminders.senders``).
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import F
from django.utils.translation import gettext as _

from lindung import months
from lindung.accounts.models import Role, User
from lindung.billing.models import InvoiceStatus
from lindung.billing.scope import visible_invoices
from lindung.formatting import number, rupiah
from lindung.funding.lifecycle import ending_soon
from lindung.funding.models import FunderKind
from lindung.rules.services import reminder_windows


@dataclass
class Reminder:
    kind: str  # due_soon, overdue, ending
    worker_id: int
    worker: str
    village_code: str
    village: str
    agent: str
    day: dt.date  # the due date, or the last day of cover
    amount: int  # outstanding (rupiah); 0 for an ending sponsorship
    detail: str  # the invoice number, or the sponsoring funder

    def as_dict(self) -> dict:
        return {"kind": self.kind, "worker_id": self.worker_id, "worker": self.worker,
                "village_code": self.village_code, "village": self.village, "agent": self.agent,
                "day": self.day.isoformat(), "amount": self.amount, "detail": self.detail}


def kind_label(kind: str, on: dt.date | None = None) -> str:
    """What a reminder is about, with the window of the rule in force on ``on`` (default today)."""
    if kind == "overdue":
        return _("unpaid after the due date")
    windows = reminder_windows(on or months.today())
    if kind == "due_soon":
        return _("due within %(days)s days") % {"days": number(windows.due_soon_days)}
    return _("sponsorship ending within %(days)s days") % {"days": number(windows.ending_days)}


def _agent_name(worker, funder=None) -> str:
    if funder is not None and funder.agent_id:
        return funder.agent.username
    registered = worker.registered_by
    return registered.username if registered is not None and registered.role == Role.AGENT else ""


def reminders(access, today: dt.date | None = None) -> list[Reminder]:
    """Everything to remind of on ``today``, within the user's scope, ordered by village, agent, day."""
    access.require("reminders.view")
    today = today or months.today()
    windows = reminder_windows(today)
    out = []
    invoices = (visible_invoices(access).filter(funder__kind=FunderKind.SELF, due_date__isnull=False,
                                                due_date__lte=today + dt.timedelta(days=windows.due_soon_days))
                .exclude(status=InvoiceStatus.PAID).filter(paid__lt=F("total"))
                .select_related("funder", "funder__agent", "funder__worker", "funder__worker__village",
                                "funder__worker__registered_by"))
    for invoice in invoices.filter(funder__worker__in=access.workers()):
        worker = invoice.funder.worker
        out.append(Reminder(kind="overdue" if invoice.due_date < today else "due_soon", worker_id=worker.pk,
                            worker=worker.name, village_code=worker.village_id, village=worker.village.name,
                            agent=_agent_name(worker, invoice.funder), day=invoice.due_date,
                            amount=invoice.total - invoice.paid, detail=invoice.number))
    for s in ending_soon(access, today=today, days=windows.ending_days).filter(continued_by__isnull=True) \
            .select_related("worker__registered_by", "funder__agent"):
        last_day = months.add_months(s.end_month, 1) - dt.timedelta(days=1)
        out.append(Reminder(kind="ending", worker_id=s.worker_id, worker=s.worker.name,
                            village_code=s.worker.village_id, village=s.worker.village.name,
                            agent=_agent_name(s.worker, s.funder if s.funder.kind == FunderKind.SELF else None),
                            day=last_day, amount=0, detail=s.funder.name))
    return sorted(out, key=lambda r: (r.village_code, r.agent, r.day, r.kind, r.worker))


def grouped(items: list[Reminder]) -> dict[str, dict[str, list[Reminder]]]:
    """{"agents": {username: [...]}, "villages": {village code: [...]}} — one list per recipient."""
    agents, villages = {}, {}
    for item in items:
        if item.agent:
            agents.setdefault(item.agent, []).append(item)
        villages.setdefault(item.village_code, []).append(item)
    return {"agents": agents, "villages": villages}


def message_for(items: list[Reminder], on: dt.date | None = None) -> str:
    """The text a recipient receives: one line per reminder (windows of the rule in force on ``on``)."""
    lines = []
    for item in items:
        amount = " " + rupiah(item.amount) if item.amount else ""
        lines.append(f"- {kind_label(item.kind, on)}: {item.worker} ({item.village}), {item.day:%d-%m-%Y}{amount}"
                     f" — {item.detail}")
    return "\n".join(lines)


def send_daily(access, sender, today: dt.date | None = None) -> int:
    """Hand each agent and each village operator its reminders through ``sender``; returns messages sent."""
    today = today or months.today()
    items = reminders(access, today)
    groups = grouped(items)
    sent = 0
    subject = _("Lindung reminders for %(day)s") % {"day": today.strftime("%d-%m-%Y")}
    for username, own in groups["agents"].items():
        user = User.objects.filter(username=username, is_active=True).first()
        if user is not None:
            sender.send(user, subject, message_for(own, today))
            sent += 1
    for code, own in groups["villages"].items():
        for user in User.objects.filter(role=Role.VILLAGE_OPERATOR, regions__code=code, is_active=True):
            sender.send(user, subject, message_for(own, today))
            sent += 1
    return sent
