"""Claim documents: uploaded evidence, stored under the data directory, never served without a check.

Uploads are limited in size (``CLAIMS_DOCUMENT_MAX_BYTES``) and accepted only when their content is
a PDF, JPEG or PNG (by the file's first bytes, not its name or the browser's claim). Files are
stored as ``<CLAIMS_DOCUMENT_DIR>/<claim id>/<random name>`` — outside the static and media
folders — and read back only through ``open_document``, which asks the access layer and writes an
audit entry for every view.
"""

import hashlib
import secrets
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from lindung.audit import services as audit

from . import data
from .errors import ClaimError
from .models import Claim, ClaimDocument, ClaimKind, ClaimState, ScholarshipYear, ScholarshipYearState
from .scope import visible_claims

# content type → (extension, leading bytes)
SIGNATURES = {
    "application/pdf": (".pdf", b"%PDF-"),
    "image/jpeg": (".jpg", b"\xff\xd8\xff"),
    "image/png": (".png", b"\x89PNG\r\n\x1a\n"),
}


def sniff(head: bytes) -> str | None:
    """The content type of a file from its first bytes, or None when it is not PDF, JPEG or PNG."""
    for content_type, (_ext, magic) in SIGNATURES.items():
        if head.startswith(magic):
            return content_type
    return None


def storage_dir() -> Path:
    return Path(settings.CLAIMS_DOCUMENT_DIR)


def required_documents(claim: Claim, year: int | None = None) -> list[str]:
    kinds = data.checklist(claim.kind)
    if year is not None:
        kinds += data.yearly_checklist(claim.kind)
    return kinds


def missing_documents(claim: Claim) -> list[str]:
    have = set(claim.documents.values_list("kind", flat=True))
    return [k for k in data.checklist(claim.kind) if k not in have]


def checklist_status(claim: Claim) -> list[dict]:
    docs = {}
    for doc in claim.documents.all():
        docs.setdefault(doc.kind, []).append(doc)
    rows = [{"kind": k, "label": data.document_label(k), "documents": docs.get(k, []), "yearly": False}
            for k in data.checklist(claim.kind)]
    rows += [{"kind": k, "label": data.document_label(k), "documents": docs.get(k, []), "yearly": True}
             for k in data.yearly_checklist(claim.kind)]
    return rows


def _read(upload) -> bytes:
    limit = settings.CLAIMS_DOCUMENT_MAX_BYTES
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        raise ClaimError(_("The file is larger than %(mb)s MB.") % {"mb": f"{limit / 1024 / 1024:g}"})
    content = upload.read(limit + 1)
    if len(content) > limit:
        raise ClaimError(_("The file is larger than %(mb)s MB.") % {"mb": f"{limit / 1024 / 1024:g}"})
    if not content:
        raise ClaimError(_("The file is empty."))
    return content


def upload_document(access, claim: Claim, *, kind: str, upload, year: int | None = None) -> ClaimDocument:
    """Store one document for a claim; when the checklist is then complete, the claim says so."""
    from .workflow import documents_now_complete

    access.require("claim.prepare")
    if not visible_claims(access).filter(pk=claim.pk).exists():
        raise PermissionDenied(_("This claim is outside your scope."))
    allowed = data.checklist(claim.kind) + data.yearly_checklist(claim.kind)
    if kind not in allowed:
        raise ClaimError(_("“%(kind)s” is not on this claim's checklist.") % {"kind": kind})
    if kind in data.yearly_checklist(claim.kind) and not year:
        raise ClaimError(_("Give the school year this evidence is for."))
    content = _read(upload)
    content_type = sniff(content[:16])
    if content_type is None:
        raise ClaimError(_("Only PDF, JPEG or PNG files are accepted."))
    name = f"{claim.pk}/{secrets.token_hex(16)}{SIGNATURES[content_type][0]}"
    target = storage_dir() / name
    with transaction.atomic():
        locked = Claim.objects.select_for_update().get(pk=claim.pk)
        if locked.state not in ClaimState.open() and not (locked.kind == ClaimKind.SCHOLARSHIP and year):
            raise ClaimError(_("This claim is %(state)s; its documents can no longer change.") % {
                "state": locked.get_state_display()})
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
        try:
            document = ClaimDocument.objects.create(
                claim=locked, kind=kind, year=year, path=name,
                original_name=(getattr(upload, "name", "") or "document")[:200], content_type=content_type,
                size=len(content), sha256=hashlib.sha256(content).hexdigest(), uploaded_by=access.user)
            if year and locked.kind == ClaimKind.SCHOLARSHIP and kind == "enrolment_letter":
                ScholarshipYear.objects.filter(claim=locked, year=year, state=ScholarshipYearState.DUE).update(
                    state=ScholarshipYearState.EVIDENCE, evidence=document)
            audit.record(access.user, audit.Action.CREATE, document, region_code=locked.worker.village_id,
                         summary=_("document uploaded for claim #%(id)s: %(kind)s") % {
                             "id": locked.pk, "kind": data.document_label(kind)})
            documents_now_complete(access, locked)
        except Exception:
            target.unlink(missing_ok=True)  # nothing half-written: no file without its row
            raise
    return document


def open_document(access, document_id: int) -> tuple[ClaimDocument, bytes]:
    """The document's row and bytes, for a user allowed to see it; every view is audited."""
    access.require("claim.documents")
    document = ClaimDocument.objects.select_related("claim__worker").filter(pk=document_id).first()
    if document is None or not visible_claims(access).filter(pk=document.claim_id).exists():
        raise PermissionDenied(_("This document is outside your scope."))
    path = (storage_dir() / document.path).resolve()
    if storage_dir().resolve() not in path.parents:
        raise PermissionDenied(_("This document is outside your scope."))
    content = path.read_bytes()
    audit.record(access.user, audit.Action.VIEW, document, region_code=document.claim.worker.village_id,
                 summary=_("document viewed: claim #%(id)s, %(kind)s") % {
                     "id": document.claim_id, "kind": data.document_label(document.kind)})
    return document, content
