"""Death notifications from a civil registry: the receiving side of the DCI CRVS event notification.

A registry POSTs ``{signature, header, message}`` to ``/api/dci/registry/notify`` (or a subscription
callback to ``/api/dci/registry/on-subscribe``). ``receive`` answers at once with an acknowledgement:

- ``ACK``: stored (``RegistryMessage``, the raw body) and queued;
- ``NACK``: the sender is not a trusted sender, the signature does not verify, or the
  ``message_id`` was received before (a replay) — nothing is stored;
- ``ERR``: the body is not a DCI envelope.

The signature is ed25519 (``cryptography``) over the canonical JSON of ``{"header", "message"}``
(keys sorted, no spaces, UTF-8), base64-encoded; the DCI ``Signature:`` string form
(``keyId="…",algorithm="ed25519",…,signature="…"``) is accepted too. Trusted senders and their
public keys are configured by an administrator (``TrustedSender``; ``lindung deaths sender-add``).

The queue is worked in the background (``process_next``, registered with the import worker): each
``notify_event`` of ``reg_event_type`` death whose ``UIN`` identifier is a registered worker's NIK
becomes an *unconfirmed* death report — a branch officer still confirms it.
"""

import base64
import binascii
import datetime as dt
import json
import re

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lindung import dialect
from lindung.audit import services as audit
from lindung.people.models import Worker

from .errors import ClaimError
from .models import EventKind, LifeEvent, RegistryMessage, ReportSource, ReportState, TrustedSender

ACTIONS = {"notify", "on-subscribe"}


class Refused(Exception):
    def __init__(self, status: str, code: str, message: str, http: int):
        super().__init__(message)
        self.status, self.code, self.message, self.http = status, code, message, http


def canonical(header: dict, message) -> bytes:
    return json.dumps({"header": header, "message": message}, sort_keys=True, separators=(",", ":"),
                      ensure_ascii=False).encode("utf-8")


def _signature_bytes(signature: str) -> bytes:
    match = re.search(r'signature="([^"]+)"', signature or "")
    text = match.group(1) if match else (signature or "").strip()
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return b""


def verify_signature(public_key_b64: str, signature: str, payload: bytes) -> bool:
    try:
        key = Ed25519PublicKey.from_public_bytes(base64.b64decode(public_key_b64))
        key.verify(_signature_bytes(signature), payload)
        return True
    except (InvalidSignature, ValueError, binascii.Error):
        return False


def check_public_key(public_key_b64: str) -> str:
    try:
        Ed25519PublicKey.from_public_bytes(base64.b64decode(public_key_b64, validate=True))
    except (ValueError, binascii.Error):
        raise ClaimError(_("Give the sender's ed25519 public key: 32 bytes, base64-encoded.")) from None
    return public_key_b64.strip()


def parse(body: bytes) -> tuple[str, dict, dict]:
    """The envelope's signature, header and message, or ``Refused`` with ERR."""
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise Refused("ERR", "err.request.bad", _("The body is not JSON."), 400) from None
    if not isinstance(data, dict) or not isinstance(data.get("header"), dict) or \
            not isinstance(data.get("message"), dict):
        raise Refused("ERR", "err.request.bad", _("A DCI message has a header and a message."), 400)
    header = data["header"]
    for key in ("message_id", "sender_id", "action"):
        if not isinstance(header.get(key), str) or not header[key].strip():
            raise Refused("ERR", "err.request.bad", _("The header lacks %(key)s.") % {"key": key}, 400)
    if header["action"] not in ACTIONS:
        raise Refused("ERR", "err.action.invalid", _("Unsupported action “%(action)s”.") % {
            "action": header["action"]}, 400)
    events = data["message"].get("notify_event")
    if not isinstance(events, list):
        raise Refused("ERR", "err.request.bad", _("The message lacks notify_event[]."), 400)
    return str(data.get("signature") or ""), header, data["message"]


def receive(body: bytes, action: str) -> RegistryMessage:
    """Check and store one notification (see the module docstring); raises ``Refused``."""
    signature, header, message = parse(body)
    if header["action"] != action:
        raise Refused("ERR", "err.action.invalid", _("Unsupported action “%(action)s”.") % {
            "action": header["action"]}, 400)
    sender = TrustedSender.objects.filter(sender_id=header["sender_id"], active=True).first()
    if sender is None:
        raise Refused("NACK", "err.sender_id.invalid", _("Unknown sender."), 401)
    if not signature or not verify_signature(sender.public_key, signature, canonical(header, message)):
        raise Refused("NACK", "err.signature.invalid", _("The signature does not verify."), 401)
    try:
        with transaction.atomic():
            stored = RegistryMessage.objects.create(message_id=header["message_id"][:100], sender_id=sender.sender_id,
                                                    raw={"signature": signature, "header": header, "message": message})
    except IntegrityError:
        raise Refused("NACK", "err.message_id.duplicate", _("This message_id was received before."), 409) from None
    return stored


def acknowledgement(status: str, correlation_id: str = "", code: str = "", message: str = "") -> dict:
    out = {"ack_status": status, "timestamp": timezone.now().isoformat(), "correlation_id": correlation_id}
    if code:
        out["error"] = {"code": code, "message": message}
    return {"message": out}


# --- the background side ------------------------------------------------------------------------------

def _identifiers(event: dict) -> list[str]:
    data = event.get("data") if isinstance(event.get("data"), dict) else {}
    record = data.get("reg_record") if isinstance(data.get("reg_record"), dict) else {}
    found = []
    for source in (record.get("identifier"), data.get("identifier"), event.get("identifier")):
        for item in source if isinstance(source, list) else []:
            if isinstance(item, dict) and str(item.get("identifier_type", "")).upper() == "UIN":
                found.append(str(item.get("identifier_value", "")).strip())
    return [f for f in found if f]


def _death_date(event: dict) -> dt.date | None:
    data = event.get("data") if isinstance(event.get("data"), dict) else {}
    record = data.get("reg_record") if isinstance(data.get("reg_record"), dict) else {}
    for value in (record.get("death_date"), record.get("dod"), data.get("event_date"), event.get("timestamp")):
        if isinstance(value, str) and len(value) >= 10:
            try:
                return dt.date.fromisoformat(value[:10])
            except ValueError:
                continue
    return None


def _event_type(event: dict) -> str:
    data = event.get("data") if isinstance(event.get("data"), dict) else {}
    return str(data.get("reg_event_type") or event.get("reg_event_type") or "").lower()


def process(stored: RegistryMessage) -> dict:
    """Turn one stored notification into unconfirmed death reports for the NIKs Lindung knows."""
    matched = unmatched = 0
    for event in stored.raw.get("message", {}).get("notify_event", []):
        if not isinstance(event, dict) or _event_type(event) != "death":
            continue
        died_on = _death_date(event)
        for nik in _identifiers(event):
            worker = Worker.objects.filter(nik=nik).first()
            if worker is None or died_on is None:
                unmatched += 1
                continue
            matched += 1
            if worker.died_on is not None or LifeEvent.objects.filter(
                    worker=worker, kind=EventKind.DEATH, state=ReportState.UNCONFIRMED).exists():
                continue  # already known: one report waits for confirmation at a time
            report = LifeEvent.objects.create(worker=worker, kind=EventKind.DEATH, date=died_on,
                                              source=ReportSource.REGISTRY, registry_message=stored,
                                              place=str(event.get("reference_id", ""))[:200])
            audit.record(None, audit.Action.CREATE, report, region_code=worker.village_id,
                         summary=_("death reported by civil registry %(sender)s (message %(id)s)") % {
                             "sender": stored.sender_id, "id": stored.message_id})
    return {"matched": matched, "unmatched": unmatched}


def process_next(worker_name: str = "") -> bool:
    """Take the oldest unprocessed message no other worker holds and process it, in one transaction: a
    worker that dies half-way leaves the message unprocessed for the next (``dialect.lock_next``)."""
    with transaction.atomic():
        candidate = dialect.lock_next(RegistryMessage.objects.filter(processed_at__isnull=True).order_by("id"))
        if candidate is None:
            return False
        RegistryMessage.objects.filter(pk=candidate).update(processed_at=timezone.now())
        stored = RegistryMessage.objects.get(pk=candidate)
        counts = process(stored)
        RegistryMessage.objects.filter(pk=candidate).update(**counts)
    return True


def process_all() -> int:
    n = 0
    while process_next():
        n += 1
    return n
