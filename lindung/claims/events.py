"""Life events: report, confirm or reject a death, accident or disability.

A reported death changes nothing until an authorised user confirms it — a wrong report must not
silently end someone's cover. Confirmation, in one transaction:

1. the worker becomes deceased (``Worker.died_on``): billing runs create nothing for the months
   after the month of death (``lindung.billing.runs.ALIVE_IN_MONTH``);
2. his open sponsorships end and the months after the month of death are released, so each
   funder's budget commitment drops (``lindung.funding.lifecycle.end_after_death``);
3. his derived cover is recomputed and stops at the month of death, so coverage indicators stop
   counting him;
4. the audit trail records it, and after commit ``death_confirmed`` is sent.

Months after the death that were already billed and paid stay paid; they are shown to the funder
as a credit (``prepaid_after_death``).
"""

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from lindung.audit import services as audit
from lindung.billing.models import InvoiceLine
from lindung.coverage.status import mark_workers, refresh_dirty
from lindung.funding.lifecycle import end_after_death
from lindung.people.models import Worker

from .errors import ClaimError
from .models import DeathCause, EventKind, LifeEvent, ReportSource, ReportState
from .scope import visible_events, worker_in_scope
from .signals import death_confirmed


def _actor(access):
    return access.user if access is not None and access.role else None


def report_event(access, worker: Worker, *, kind: str, date: dt.date, cause: str = "", place: str = "",
                 description: str = "", source: str = ReportSource.FORM, today: dt.date | None = None,
                 registry_message=None) -> LifeEvent:
    """Record a death, work accident or disability for a worker (unconfirmed)."""
    if access is not None:
        access.require("event.report")
        if not worker_in_scope(access, worker):
            raise PermissionDenied(_("This worker is outside your scope."))
    today = today or timezone.localdate()
    if kind not in EventKind.values:
        raise ClaimError(_("Unknown event “%(kind)s”.") % {"kind": kind})
    if date > today:
        raise ClaimError(_("The date of the event lies in the future."))
    if worker.birth_date and date < worker.birth_date:
        raise ClaimError(_("The date of the event lies before the worker's birth."))
    if kind == EventKind.DEATH:
        cause = cause or DeathCause.NOT_WORK
        if cause not in DeathCause.values:
            raise ClaimError(_("Unknown cause of death “%(cause)s”.") % {"cause": cause})
        if worker.died_on is not None:
            raise ClaimError(_("This worker's death is already confirmed (%(date)s).") % {
                "date": worker.died_on.isoformat()})
    else:
        cause = ""
    with transaction.atomic():
        Worker.objects.select_for_update().filter(pk=worker.pk).first()
        if kind == EventKind.DEATH and LifeEvent.objects.filter(
                worker=worker, kind=EventKind.DEATH, state=ReportState.UNCONFIRMED).exists():
            raise ClaimError(_("A death report for this worker is already waiting for confirmation."))
        event = LifeEvent.objects.create(worker=worker, kind=kind, date=date, cause=cause, place=place[:200],
                                         description=description, source=source, reported_by=_actor(access),
                                         registry_message=registry_message)
        audit.record(_actor(access), audit.Action.CREATE, event, region_code=worker.village_id,
                     summary=_("%(kind)s reported for %(date)s (%(source)s)") % {
                         "kind": event.get_kind_display(), "date": date.isoformat(),
                         "source": event.get_source_display()})
    return event


def _locked_event(access, event: LifeEvent) -> LifeEvent:
    if not visible_events(access).filter(pk=event.pk).exists():
        raise PermissionDenied(_("This event is outside your scope."))
    locked = LifeEvent.objects.select_for_update().select_related("worker").get(pk=event.pk)
    if locked.state != ReportState.UNCONFIRMED:
        raise ClaimError(_("This report is already %(state)s.") % {"state": locked.get_state_display()})
    return locked


def confirm_event(access, event: LifeEvent, *, note: str = "") -> LifeEvent:
    """Confirm a report; for a death, apply its effects (see the module docstring)."""
    access.require("event.confirm")
    with transaction.atomic():
        locked = _locked_event(access, event)
        worker = Worker.objects.select_for_update().get(pk=locked.worker_id)
        changes = {"state": [locked.state, ReportState.CONFIRMED]}
        if locked.kind == EventKind.DEATH:
            if worker.died_on is not None:
                raise ClaimError(_("This worker's death is already confirmed (%(date)s).") % {
                    "date": worker.died_on.isoformat()})
            changes.update(_apply_death(access, worker, locked.date))
        locked.state, locked.confirmed_by, locked.confirmed_at = ReportState.CONFIRMED, _actor(access), timezone.now()
        locked.note = note[:300]
        locked.save(update_fields=["state", "confirmed_by", "confirmed_at", "note"])
        audit.record(_actor(access), audit.Action.APPROVE, locked, region_code=worker.village_id,
                     summary=_("%(kind)s of %(date)s confirmed") % {"kind": locked.get_kind_display(),
                                                                    "date": locked.date.isoformat()},
                     changes=changes)
        if locked.kind == EventKind.DEATH:
            transaction.on_commit(lambda: death_confirmed.send(sender=LifeEvent, event=locked))
    return locked


def _apply_death(access, worker: Worker, died_on: dt.date) -> dict:
    worker.died_on = died_on
    worker.save(update_fields=["died_on", "updated_at"])
    ended = end_after_death(worker.pk, died_on, actor=_actor(access), summary=_(
        "sponsorship ended: the worker died on %(date)s") % {"date": died_on.isoformat()})
    mark_workers([worker.pk])
    refresh_dirty()
    return {"died_on": [None, died_on.isoformat()],
            "months_released": [None, sum(e["months_released"] for e in ended)],
            "sponsorships_ended": [None, [e["sponsorship_id"] for e in ended]]}


def reject_event(access, event: LifeEvent, *, note: str) -> LifeEvent:
    """Mark a report as wrong (e.g. a registry notification for another person); nothing else changes."""
    access.require("event.confirm")
    note = (note or "").strip()
    if len(note) < 5:
        raise ClaimError(_("Say why the report is wrong."))
    with transaction.atomic():
        locked = _locked_event(access, event)
        locked.state, locked.confirmed_by, locked.confirmed_at = ReportState.REJECTED, _actor(access), timezone.now()
        locked.note = note[:300]
        locked.save(update_fields=["state", "confirmed_by", "confirmed_at", "note"])
        audit.record(_actor(access), audit.Action.UPDATE, locked, region_code=locked.worker.village_id,
                     summary=_("report rejected: %(note)s") % {"note": note},
                     changes={"state": [ReportState.UNCONFIRMED, ReportState.REJECTED]})
    return locked


def prepaid_after_death(worker: Worker) -> list[dict]:
    """Per funder: contributions paid for months after the month of death — a credit to the funder."""
    if worker.died_on is None:
        return []
    rows = (InvoiceLine.objects.filter(worker=worker, month__gt=worker.died_on, paid__gt=0).order_by()
            .values("invoice__funder_id", "invoice__funder__name").annotate(amount=Sum("paid")))
    return [{"funder_id": r["invoice__funder_id"], "funder": r["invoice__funder__name"], "amount": int(r["amount"])}
            for r in rows]


def funder_credits(funder_id: int) -> int:
    """Everything a funder paid for months after its workers' confirmed deaths (shown as a credit)."""
    total = (InvoiceLine.objects.filter(invoice__funder_id=funder_id, worker__died_on__isnull=False,
                                        month__gt=F("worker__died_on"), paid__gt=0)
             .aggregate(s=Sum("paid"))["s"])
    return int(total or 0)
