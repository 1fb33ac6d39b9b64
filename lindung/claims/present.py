"""Claims as data for the API, the CLI and the exports — NIKs shown only to roles that may see them."""

from .deadlines import claim_deadlines


def claim_row(access, claim) -> dict:
    worker = claim.worker
    return {
        "id": claim.pk, "kind": claim.kind, "state": claim.state,
        "worker": {"id": worker.pk, "name": worker.name, "nik": access.nik_for_display(worker),
                   "village_code": worker.village_id},
        "event": {"id": claim.event_id, "kind": claim.event.kind, "date": claim.event.date.isoformat(),
                  "state": claim.event.state},
        "expected_amount": claim.expected_amount, "paid_amount": claim.paid_amount,
        "paid_on": claim.paid_on.isoformat() if claim.paid_on else None, "bpjs_reference": claim.bpjs_reference,
        "reject_code": claim.reject_code, "created_at": claim.created_at.isoformat(),
    }


def claim_detail(access, claim) -> dict:
    out = claim_row(access, claim)
    out.update({
        "eligibility": claim.eligibility,
        "steps": [{"from": s.from_state, "to": s.to_state, "by": s.by.username if s.by else None,
                   "at": s.at.isoformat(), "note": s.note} for s in claim.steps.select_related("by")],
        "documents": [{"id": d.pk, "kind": d.kind, "year": d.year, "size": d.size,
                       "uploaded_at": d.uploaded_at.isoformat()} for d in claim.documents.all()]
        if access.can("claim.documents") else [],
        "deadlines": [{**d, "due": d["due"].isoformat(), "label": str(d["label"])} for d in claim_deadlines(claim)],
        "scholarship_years": [{"year": y.year, "level": y.level, "amount": y.amount, "state": y.state,
                               "paid_on": y.paid_on.isoformat() if y.paid_on else None} for y in claim.years.all()],
    })
    return out
