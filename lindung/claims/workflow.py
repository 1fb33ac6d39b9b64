"""A claim from opening to BPJS's decision.

    draft ──documents complete──▶ documents_complete ──verify (maker)──▶ verified ──submit (checker)──▶ submitted
      ▲                              │       ▲                                                    │
      └── documents_missing ◀─return─┘       └─ all documents in                     paid | rejected
    any open state ──withdraw──▶ withdrawn

Every step is one service function: transaction → lock the claim → check the state and the user →
change → a ``ClaimStep`` (who, when, why) and an audit entry → ``claim_moved`` after commit. The
submitter must be a different user from the verifier (maker–checker). Submission freezes a
snapshot of the worker, his cover history, the heirs and the eligibility, so later registry edits
do not change a submitted claim. Amounts always come from ``eligibility`` (and through it from the
effective-dated benefit rules).
"""

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lindung.audit import services as audit
from lindung.coverage.services import worker_summary
from lindung.formatting import rupiah
from lindung.rules import benefits
from lindung.rules.services import RuleError

from . import data
from .documents import missing_documents
from .eligibility import check as check_eligibility
from .errors import ClaimError
from .heirs import check_heir_and_payee, is_minor
from .models import (
    Claim, ClaimKind, ClaimState, ClaimStep, DeathCause, EventKind, LifeEvent, ReportState, ScholarshipYear,
)
from .scope import visible_claims, visible_events
from .signals import claim_moved

S = ClaimState

# Which benefits an event can give rise to.
KINDS_FOR_EVENT = {
    (EventKind.DEATH, DeathCause.NOT_WORK): {ClaimKind.JKM, ClaimKind.SCHOLARSHIP},
    (EventKind.DEATH, DeathCause.WORK_ACCIDENT): {ClaimKind.JKK_DEATH, ClaimKind.SCHOLARSHIP},
    (EventKind.ACCIDENT, ""): {ClaimKind.STMB, ClaimKind.JKK_DISABILITY},
    (EventKind.DISABILITY, ""): {ClaimKind.JKK_DISABILITY, ClaimKind.SCHOLARSHIP},
}
# The eligibility event of each benefit (scholarships follow the event's own route).
ELIGIBILITY_EVENT = {ClaimKind.JKM: "death", ClaimKind.JKK_DEATH: "accident-death",
                     ClaimKind.JKK_DISABILITY: "accident-disability", ClaimKind.STMB: "accident-disability"}


def _actor(access):
    return access.user if access is not None and access.role else None


def _today(today):
    return today or timezone.localdate()


def _eligibility_event(claim_kind: str, event: LifeEvent) -> str:
    if claim_kind == ClaimKind.SCHOLARSHIP:
        if event.kind == EventKind.DEATH:
            return "death" if event.cause == DeathCause.NOT_WORK else "accident-death"
        return "accident-disability"
    return ELIGIBILITY_EVENT[claim_kind]


def assess_claim(claim_kind: str, event: LifeEvent, *, claim_date: dt.date, periods=None, child=None) -> dict:
    """Eligibility and expected amount of a claim, from the one eligibility rule."""
    result = check_eligibility(event.worker, _eligibility_event(claim_kind, event), event.date, claim_date=claim_date)
    out = result.as_dict()
    if claim_kind == ClaimKind.STMB:
        months = sum(int(p["months"]) for p in periods or [])
        stmb = benefits.stmb(income=event.worker.declared_income, months=months, accident_date=event.date,
                             claim_date=claim_date)
        if not result.active_on_date:
            stmb.refuse("membership_inactive", _("The accident happened while the membership was not active."))
        out.update(payable=stmb.payable, total=stmb.total, items=[i.as_dict() for i in stmb.items],
                   reasons=[r.as_dict() for r in stmb.reasons])
    elif claim_kind == ClaimKind.SCHOLARSHIP:
        schedule = next((c for c in out["scholarship"]["children"] if c["name"] == child.name), None) if child else None
        eligible = out["scholarship"]["eligible"] and schedule is not None and schedule["total"] > 0
        reasons = list(out["scholarship"]["reasons"]) + (list(schedule["reasons"]) if schedule else [])
        out.update(payable=eligible, total=schedule["total"] if eligible else 0, items=[], reasons=reasons,
                   schedule=schedule["payments"] if schedule and eligible else [])
    return out


def _parse_periods(periods) -> list[dict]:
    out = []
    for p in periods or []:
        try:
            start, end = dt.date.fromisoformat(str(p["from"])), dt.date.fromisoformat(str(p["to"]))
        except (KeyError, TypeError, ValueError):
            raise ClaimError(_("Each period needs a first and a last day (YYYY-MM-DD).")) from None
        if end < start:
            raise ClaimError(_("A period ends before it starts."))
        months = (end.year - start.year) * 12 + end.month - start.month + (1 if end.day >= start.day else 0)
        out.append({"from": start.isoformat(), "to": end.isoformat(), "months": max(1, months)})
    return out


def _step(claim: Claim, before: str, after: str, actor, note: str = "") -> None:
    ClaimStep.objects.create(claim=claim, from_state=before, to_state=after, by=actor, note=note[:300])
    audit.record(actor, audit.Action.UPDATE if before else audit.Action.CREATE, claim,
                 region_code=claim.worker.village_id,
                 summary=_("claim #%(id)s: %(before)s → %(after)s") % {
                     "id": claim.pk, "before": S(before).label if before else "–", "after": S(after).label}
                 + (f" ({note})" if note else ""),
                 changes={"state": [before or None, after]})
    transaction.on_commit(lambda: claim_moved.send(sender=Claim, claim=claim, from_state=before, to_state=after))


def open_claim(access, event: LifeEvent, kind: str, *, heir=None, payee=None, child=None, periods=None,
               bank_name: str = "", bank_account: str = "", account_holder: str = "",
               today: dt.date | None = None) -> Claim:
    """Open a claim (draft) for an event; its eligibility and expected amount are computed now."""
    access.require("claim.prepare")
    if not visible_events(access).filter(pk=event.pk).exists():
        raise PermissionDenied(_("This event is outside your scope."))
    today = _today(today)
    if event.state == ReportState.REJECTED:
        raise ClaimError(_("This report was rejected as wrong."))
    allowed = KINDS_FOR_EVENT.get((event.kind, event.cause if event.kind == EventKind.DEATH else ""), set())
    if kind not in allowed:
        raise ClaimError(_("A %(event)s does not give rise to a %(kind)s claim.") % {
            "event": event.get_kind_display(), "kind": ClaimKind(kind).label if kind in ClaimKind.values else kind})
    members = list(event.worker.family.all())
    for person in (heir, payee, child):
        if person is not None and person.worker_id != event.worker_id:
            raise ClaimError(_("That person is not in this worker's family."))
    if kind == ClaimKind.SCHOLARSHIP and child is None:
        raise ClaimError(_("Choose the child the scholarship is for."))
    check_heir_and_payee(members, heir, payee, today)
    periods = _parse_periods(periods) if kind == ClaimKind.STMB else []
    if kind == ClaimKind.STMB and not periods:
        raise ClaimError(_("Give the periods the worker could not work."))
    try:
        assessed = assess_claim(kind, event, claim_date=today, periods=periods, child=child)
    except RuleError as exc:
        raise ClaimError(exc.message) from None
    with transaction.atomic():
        LifeEvent.objects.select_for_update().get(pk=event.pk)
        if kind != ClaimKind.SCHOLARSHIP and Claim.objects.filter(event=event, kind=kind).exclude(
                state__in=[S.WITHDRAWN, S.REJECTED]).exists():
            raise ClaimError(_("This event already has an open or paid %(kind)s claim.") % {
                "kind": ClaimKind(kind).label})
        if kind == ClaimKind.SCHOLARSHIP and Claim.objects.filter(event=event, kind=kind, child=child).exclude(
                state__in=[S.WITHDRAWN, S.REJECTED]).exists():
            raise ClaimError(_("This child already has a scholarship claim for this event."))
        claim = Claim.objects.create(
            worker=event.worker, event=event, kind=kind, heir=heir or (child if kind == ClaimKind.SCHOLARSHIP else None),
            payee=payee, child=child, periods=periods, bank_name=bank_name[:100], bank_account=bank_account[:40],
            account_holder=account_holder[:150], expected_amount=assessed["total"], eligibility=assessed,
            created_by=_actor(access))
        for payment in assessed.get("schedule") or []:
            ScholarshipYear.objects.create(claim=claim, year=payment["year"], due_on=payment["date"],
                                           level=payment["level"], year_in_level=payment["year_in_level"],
                                           amount=payment["amount"])
        _step(claim, "", S.DRAFT, _actor(access))
    return claim


def _locked(access, claim: Claim, permission: str) -> Claim:
    access.require(permission)
    if not visible_claims(access).filter(pk=claim.pk).exists():
        raise PermissionDenied(_("This claim is outside your scope."))
    return Claim.objects.select_for_update().select_related("worker", "event").get(pk=claim.pk)


def _expect(claim: Claim, *states) -> None:
    if claim.state not in states:
        raise ClaimError(_("This claim is %(state)s; that step is not possible now.") % {
            "state": claim.get_state_display()})


def documents_now_complete(access, claim: Claim) -> bool:
    """After an upload: move a draft (or a returned claim) to documents complete when nothing is missing."""
    if claim.state not in (S.DRAFT, S.DOCUMENTS_MISSING) or missing_documents(claim):
        return False
    before = claim.state
    claim.state, claim.documents_complete_at = S.DOCUMENTS_COMPLETE, timezone.now()
    claim.save(update_fields=["state", "documents_complete_at"])
    _step(claim, before, S.DOCUMENTS_COMPLETE, _actor(access))
    return True


def return_for_documents(access, claim: Claim, *, note: str) -> Claim:
    """Documents turned out wrong or missing: back to the village to gather them."""
    note = (note or "").strip()
    if len(note) < 5:
        raise ClaimError(_("Say which documents are missing or wrong."))
    with transaction.atomic():
        locked = _locked(access, claim, "claim.verify")
        _expect(locked, S.DOCUMENTS_COMPLETE)
        locked.state, locked.documents_complete_at = S.DOCUMENTS_MISSING, None
        locked.save(update_fields=["state", "documents_complete_at"])
        _step(locked, S.DOCUMENTS_COMPLETE, S.DOCUMENTS_MISSING, _actor(access), note)
    return locked


def verify(access, claim: Claim, *, today: dt.date | None = None) -> Claim:
    """The maker's check: event confirmed, documents complete, eligible under the rules of the event date."""
    with transaction.atomic():
        locked = _locked(access, claim, "claim.verify")
        _expect(locked, S.DOCUMENTS_COMPLETE)
        if locked.event.state != ReportState.CONFIRMED:
            raise ClaimError(_("Confirm the event before verifying the claim."))
        if missing_documents(locked):
            raise ClaimError(_("Documents missing: %(docs)s.") % {
                "docs": ", ".join(data.document_label(k) for k in missing_documents(locked))})
        assessed = assess_claim(locked.kind, locked.event, claim_date=_today(today), periods=locked.periods,
                                child=locked.child)
        if not assessed["payable"]:
            raise ClaimError(_("Not payable: %(reasons)s") % {
                "reasons": "; ".join(r["message"] for r in assessed["reasons"])})
        locked.eligibility, locked.expected_amount = assessed, assessed["total"]
        locked.state, locked.verified_by, locked.verified_at = S.VERIFIED, _actor(access), timezone.now()
        locked.save(update_fields=["eligibility", "expected_amount", "state", "verified_by", "verified_at"])
        _step(locked, S.DOCUMENTS_COMPLETE, S.VERIFIED, _actor(access))
    return locked


def snapshot(claim: Claim) -> dict:
    """What the claim was submitted with: worker, cover history, family, eligibility, documents."""
    worker = claim.worker
    return {
        "worker": {"nik": worker.nik, "name": worker.name, "birth_date": worker.birth_date.isoformat(),
                   "village_code": worker.village_id, "declared_income": worker.declared_income,
                   "segment": worker.segment, "died_on": worker.died_on.isoformat() if worker.died_on else None},
        "event": {"kind": claim.event.kind, "date": claim.event.date.isoformat(), "cause": claim.event.cause,
                  "place": claim.event.place},
        "cover": worker_summary(worker, claim.event.date),
        "family": [{"id": m.pk, "name": m.name, "nik": m.nik, "relationship": m.relationship,
                    "birth_date": m.birth_date.isoformat() if m.birth_date else None}
                   for m in worker.family.all()],
        "heir": claim.heir.name if claim.heir else None, "payee": claim.payee.name if claim.payee else None,
        "bank": {"name": claim.bank_name, "account": claim.bank_account, "holder": claim.account_holder},
        "eligibility": claim.eligibility,
        "documents": [{"kind": d.kind, "sha256": d.sha256, "uploaded_at": d.uploaded_at.isoformat()}
                      for d in claim.documents.all()],
    }


def submit(access, claim: Claim) -> Claim:
    """The checker sends the verified claim to BPJS; a different user from the verifier."""
    with transaction.atomic():
        locked = _locked(access, claim, "claim.submit")
        _expect(locked, S.VERIFIED)
        if locked.verified_by_id == getattr(access.user, "pk", None):
            raise ClaimError(_("A claim is submitted by someone other than the user who verified it."))
        paid_to_worker = locked.kind in (ClaimKind.STMB, ClaimKind.JKK_DISABILITY)  # the living worker himself
        if not (locked.bank_account and (locked.payee_id or locked.heir_id or paid_to_worker)):
            raise ClaimError(_("Record the payee and the bank account before submitting."))
        if locked.payee_id is None and locked.heir is not None and is_minor(locked.heir.birth_date, timezone.localdate()):
            raise ClaimError(_("The heir is a minor: name an adult guardian as the payee."))
        locked.snapshot = snapshot(locked)
        locked.state, locked.submitted_by, locked.submitted_at = S.SUBMITTED, _actor(access), timezone.now()
        locked.save(update_fields=["snapshot", "state", "submitted_by", "submitted_at"])
        _step(locked, S.VERIFIED, S.SUBMITTED, _actor(access))
    return locked


def record_paid(access, claim: Claim, *, amount: int, paid_on: dt.date, reference: str,
                today: dt.date | None = None) -> Claim:
    """BPJS paid: amount, date and its reference."""
    reference = (reference or "").strip()
    if not reference:
        raise ClaimError(_("Give BPJS's payment reference."))
    if int(amount) <= 0:
        raise ClaimError(_("The amount paid must be more than zero."))
    if paid_on > _today(today):
        raise ClaimError(_("The payment date lies in the future."))
    with transaction.atomic():
        locked = _locked(access, claim, "claim.decide")
        _expect(locked, S.SUBMITTED)
        locked.state, locked.paid_amount, locked.paid_on = S.PAID, int(amount), paid_on
        locked.bpjs_reference, locked.decided_by, locked.decided_at = reference[:100], _actor(access), timezone.now()
        locked.save(update_fields=["state", "paid_amount", "paid_on", "bpjs_reference", "decided_by", "decided_at"])
        if locked.kind == ClaimKind.SCHOLARSHIP:
            first = locked.years.order_by("year").first()
            if first is not None:
                ScholarshipYear.objects.filter(pk=first.pk).update(state="paid", paid_on=paid_on)
        note = f"{rupiah(int(amount))}, {reference}"
        _step(locked, S.SUBMITTED, S.PAID, _actor(access), note)
    return locked


def record_rejected(access, claim: Claim, *, reason_code: str, note: str = "") -> Claim:
    """BPJS refused the claim, with one of the reason codes of the rules data."""
    if reason_code not in data.rejection_reasons():
        raise ClaimError(_("Unknown reason “%(code)s”; use %(codes)s.") % {
            "code": reason_code, "codes": ", ".join(data.rejection_reasons())})
    with transaction.atomic():
        locked = _locked(access, claim, "claim.decide")
        _expect(locked, S.SUBMITTED)
        locked.state, locked.reject_code, locked.note = S.REJECTED, reason_code, (note or "")[:300]
        locked.decided_by, locked.decided_at = _actor(access), timezone.now()
        locked.save(update_fields=["state", "reject_code", "note", "decided_by", "decided_at"])
        _step(locked, S.SUBMITTED, S.REJECTED, _actor(access), f"{reason_code} {note}".strip())
    return locked


def withdraw(access, claim: Claim, *, note: str) -> Claim:
    """Withdraw a claim that is still open (e.g. refused by the eligibility check, or opened in error)."""
    note = (note or "").strip()
    if len(note) < 5:
        raise ClaimError(_("Say why the claim is withdrawn."))
    with transaction.atomic():
        locked = _locked(access, claim, "claim.prepare")
        _expect(locked, *S.open())
        before = locked.state
        locked.state, locked.note = S.WITHDRAWN, note[:300]
        locked.save(update_fields=["state", "note"])
        _step(locked, before, S.WITHDRAWN, _actor(access), note)
    return locked


def set_payment_details(access, claim: Claim, *, payee=None, bank_name: str = "", bank_account: str = "",
                        account_holder: str = "", today: dt.date | None = None) -> Claim:
    """Who receives the money and where (a guardian for a minor heir)."""
    bank_account = (bank_account or "").strip()
    if bank_account and not bank_account.replace("-", "").isdigit():
        raise ClaimError(_("An account number has digits only."))
    with transaction.atomic():
        locked = _locked(access, claim, "claim.prepare")
        _expect(locked, S.DRAFT, S.DOCUMENTS_MISSING, S.DOCUMENTS_COMPLETE)
        if payee is not None and payee.worker_id != locked.worker_id:
            raise ClaimError(_("That person is not in this worker's family."))
        heir = locked.heir if locked.kind != ClaimKind.SCHOLARSHIP else None
        check_heir_and_payee(list(locked.worker.family.all()), heir, payee or (None if heir else locked.payee),
                             _today(today))
        before = {"payee": locked.payee_id, "bank_account": locked.bank_account}
        locked.payee, locked.bank_name = payee or locked.payee, bank_name.strip()[:100] or locked.bank_name
        locked.bank_account = bank_account[:40] or locked.bank_account
        locked.account_holder = account_holder.strip()[:150] or locked.account_holder
        locked.save(update_fields=["payee", "bank_name", "bank_account", "account_holder"])
        audit.record(_actor(access), audit.Action.UPDATE, locked, region_code=locked.worker.village_id,
                     summary=_("claim #%(id)s: payment details recorded") % {"id": locked.pk},
                     changes=audit.diff(before, {"payee": locked.payee_id, "bank_account": locked.bank_account}))
    return locked
