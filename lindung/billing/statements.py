"""Bank and payment-gateway statements: import a CSV, record what matches, list the rest.

The file is read and every row validated first; errors are reported by row number and nothing is
recorded. Then, in one transaction, the rows whose references are new are matched to invoices — by the
virtual account, the invoice number in the account column, or an invoice number or virtual account in
the description — and recorded as payments, all at once: a few queries per thousand rows, not a dozen
per row (``payments.record_payments``; a row paying an invoice an earlier row of the file paid too is
applied after it). Each row is classified:

- matched: the amount equals what was outstanding on the invoice;
- under-paid / over-paid: recorded, and listed for a person to resolve;
- unmatched: no invoice found, nothing recorded, listed for a person to assign or dismiss.

Importing the same file again records nothing (the file's hash is unique), and a row whose reference
was already recorded — from another file, or typed in by hand — is skipped.

Columns (header names, English or Indonesian): date/tanggal, reference/referensi, amount/jumlah,
account/virtual_account/invoice/tagihan (optional), description/keterangan (optional).
"""

import csv
import datetime as dt
import hashlib
import io
import re
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from lindung import dialect, limits
from lindung.audit import services as audit
from lindung.errors import InvalidInput
from lindung.formatting import number, parse_rupiah

from .models import Channel, Invoice, Match, Payment, Resolution, Statement, StatementRow, \
    invoice_id_from_virtual_account
from .payments import PaymentError, PaymentPlan, move_surplus, record_payment, record_payments
from .scope import actor, visible_invoices, visible_statement_rows
from .signals import payment_batch

COLUMNS = {
    "date": ("date", "tanggal", "tgl", "paid_on", "value_date"),
    "reference": ("reference", "referensi", "ref", "no_ref", "nomor_referensi", "transaction_id"),
    "amount": ("amount", "jumlah", "nominal", "kredit", "credit"),
    "account": ("account", "virtual_account", "va", "invoice", "tagihan", "nomor_va", "no_va"),
    "description": ("description", "keterangan", "berita", "remark"),
}
INVOICE_NUMBER = re.compile(r"INV-\d{6}-\d+-\d+", re.IGNORECASE)
VIRTUAL_ACCOUNT = re.compile(r"\b88\d{14}\b")
ROWS_PER_INSERT = 1000


class StatementError(InvalidInput):
    """Rows of a bank statement that cannot be read; ``errors`` lists them as {row, message}."""

    def __init__(self, errors: list[dict]):
        super().__init__("; ".join(f"{_('row')} {e['row']}: {e['message']}" for e in errors[:10]), "file",
                         lines=[_("Row %(row)s: %(message)s") % e for e in errors[:50]], errors=errors)
        self.errors = errors


@dataclass
class ParsedRow:
    row_number: int
    paid_on: dt.date
    reference: str
    amount: int
    account: str = ""
    description: str = ""


@dataclass
class ImportResult:
    statement_id: int | None
    already_imported: bool = False
    rows: int = 0
    recorded: int = 0
    duplicates: int = 0
    by_match: dict = field(default_factory=dict)
    open_items: int = 0

    def as_dict(self) -> dict:
        return {"statement_id": self.statement_id, "already_imported": self.already_imported, "rows": self.rows,
                "recorded": self.recorded, "duplicates": self.duplicates, "by_match": self.by_match,
                "open_items": self.open_items}


def parse_amount(text: str) -> int:
    """'16800', '16.800', '16,800.00', 'Rp 16.800,00' → 16800 (``lindung.formatting.parse_rupiah``);
    a statement row pays a positive whole amount."""
    if not re.sub(r"[^\d]", "", text or ""):
        raise ValueError(_("no amount"))
    try:
        amount = parse_rupiah(text)
    except ValueError:
        raise ValueError(_("fractions of a rupiah are not allowed") if re.search(r"[.,]\d{1,2}$", text.strip())
                         else _("not a positive whole amount")) from None
    if amount <= 0:
        raise ValueError(_("not a positive whole amount"))
    if amount > limits.MAX_AMOUNT:
        raise ValueError(_("the amount is larger than any payment can be (at most Rp%(max)s)") % {
            "max": number(limits.MAX_AMOUNT)})
    return amount


def parse_bank_date(text: str) -> dt.date:
    """A bank statement's date: ISO, or day first as Indonesian banks write it (31/01/2026, 31-01-2026)."""
    value = (text or "").strip()
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%Y/%m/%d"):
        try:
            day = dt.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
        limits.check_date(day)
        return day
    raise ValueError(_("“%(value)s” is not a date (YYYY-MM-DD or DD/MM/YYYY)") % {"value": value})


def _columns(header: list[str]) -> dict[str, int]:
    found = {}
    names = [h.strip().lower().replace(" ", "_") for h in header]
    for key, aliases in COLUMNS.items():
        for i, name in enumerate(names):
            if name in aliases:
                found[key] = i
                break
    missing = [k for k in ("date", "reference", "amount") if k not in found]
    if missing:
        raise StatementError([{"row": 1, "message": _("Missing column(s): %(cols)s.") % {"cols": ", ".join(missing)}}])
    return found


def parse_statement(text: str) -> list[ParsedRow]:
    """Every row validated; raises StatementError listing all problems by row number."""
    sample = text[:4096]
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    rows = [r for r in reader]
    if not rows:
        raise StatementError([{"row": 1, "message": _("The file is empty.")}])
    cols = _columns(rows[0])
    parsed, errors, seen = [], [], {}
    for number, raw in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in raw):
            continue

        def cell(key):
            i = cols.get(key)
            return raw[i].strip() if i is not None and i < len(raw) else ""

        try:
            reference = cell("reference")
            if not reference:
                raise ValueError(_("no reference"))
            if len(reference) > 80:
                raise ValueError(_("the reference is longer than 80 characters"))
            if any(ord(ch) < 32 for ch in reference):
                raise ValueError(_("the reference contains control characters"))
            if reference in seen:
                raise ValueError(_("reference repeated from row %(row)d") % {"row": seen[reference]})
            seen[reference] = number
            parsed.append(ParsedRow(row_number=number, paid_on=parse_bank_date(cell("date")), reference=reference,
                                    amount=parse_amount(cell("amount")), account=cell("account")[:80],
                                    description=cell("description")[:300]))
        except ValueError as exc:
            errors.append({"row": number, "message": str(exc)})
    if errors:
        raise StatementError(errors)
    return parsed


def invoice_candidates(account: str, description: str) -> list[tuple[str, object]]:
    """What a statement row may name, in the order it is tried: ("pk", invoice id) for a virtual
    account, ("number", invoice number) — the account column first, then the description."""
    candidates = []
    for text in (account, description):
        if not text:
            continue
        invoice_id = invoice_id_from_virtual_account(text)
        if invoice_id:
            candidates.append(("pk", invoice_id))
        for va in VIRTUAL_ACCOUNT.findall(text):
            candidates.append(("pk", invoice_id_from_virtual_account(va)))
        if INVOICE_NUMBER.fullmatch(text.strip()):
            candidates.append(("number", text.strip().upper()))
        for number in INVOICE_NUMBER.findall(text):
            candidates.append(("number", number.upper()))
    return [(kind, value) for kind, value in candidates if value]


def match_invoices(invoices, rows: list[ParsedRow]) -> list[int | None]:
    """The invoice each statement row pays, among ``invoices`` (the importer's scope): the first of the
    row's ``invoice_candidates`` that is there, or None. A few queries for the whole file (invoice
    numbers are written in capitals, as billing runs number them)."""
    candidates = [invoice_candidates(row.account, row.description) for row in rows]
    ids = sorted({value for found in candidates for kind, value in found if kind == "pk"})
    numbers = sorted({value for found in candidates for kind, value in found if kind == "number"})
    present, by_number = set(), {}
    for chunk in dialect.chunks(ids):
        present.update(invoices.filter(pk__in=chunk).values_list("pk", flat=True))
    for chunk in dialect.chunks(numbers):
        by_number.update((number.upper(), pk) for pk, number in
                         invoices.filter(number__in=chunk).values_list("pk", "number"))
    matched = []
    for found in candidates:
        hits = (value if kind == "pk" and value in present else by_number.get(value) if kind == "number" else None
                for kind, value in found)
        matched.append(next((hit for hit in hits if hit is not None), None))
    return matched


def classify(amount: int, expected: int) -> str:
    """A recorded statement row against what its invoice still owed just before it."""
    return Match.MATCHED if amount == expected else Match.UNDERPAID if amount < expected else Match.OVERPAID


def decode_statement(data: bytes) -> str:
    """A bank statement's text: UTF-8 (with or without BOM), UTF-16 with its BOM, or Latin-1 (older
    bank exports). A file with NUL bytes and no UTF-16 mark is not a CSV text file and is refused."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    elif b"\x00" not in data:
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError:
            return data.decode("latin-1")
    raise StatementError([{"row": 1, "message": _(
        "This is not a CSV text file; export the statement from the bank as CSV (comma or semicolon separated).")}])


def import_statement(access, data: bytes, name: str = "statement.csv") -> ImportResult:
    """Import a CSV statement for the user (``payment.import``). Idempotent per file and per reference."""
    access.require("payment.import")
    digest = hashlib.sha256(data).hexdigest()
    existing = Statement.objects.filter(sha256=digest).first()
    if existing is not None:
        return ImportResult(statement_id=existing.pk, already_imported=True, rows=existing.rows)
    parsed = parse_statement(decode_statement(data))
    invoices = visible_invoices(access)
    user = actor(access)
    result = ImportResult(statement_id=None, rows=len(parsed))
    with transaction.atomic(), payment_batch():
        # Statement imports take turns (PostgreSQL; SQLite's writers always do): two overlapping files
        # imported at once would otherwise lock invoices and references in opposite orders and deadlock.
        # The second one then reads the references the first recorded and reports them as duplicates.
        with connection.cursor() as cursor:
            dialect.serialise(cursor, "billing.statements")
        try:
            with transaction.atomic():
                statement = Statement.objects.create(name=name[:200], sha256=digest, imported_by=user,
                                                     rows=len(parsed))
        except IntegrityError:  # the same file, imported by someone else a moment ago
            existing = Statement.objects.get(sha256=digest)
            return ImportResult(statement_id=existing.pk, already_imported=True, rows=existing.rows)
        result.statement_id = statement.pk
        references = [r.reference for r in parsed]
        # A reference already recorded — by another statement, a return file or by hand — is a duplicate,
        # reported as such; the rest of the file is recorded.
        known = known_references(references)
        while True:
            try:
                with transaction.atomic():
                    result.by_match = _record_rows([r for r in parsed if r.reference not in known], statement,
                                                   invoices, user)
                break
            except IntegrityError:  # recorded meanwhile by someone else (by hand): look again, skip them
                again = known_references(references)
                if again <= known:
                    raise
                known |= again
        result.recorded = sum(n for m, n in result.by_match.items() if m != Match.UNMATCHED)
        result.duplicates = len(parsed) - sum(result.by_match.values())
        Statement.objects.filter(pk=statement.pk).update(duplicates=result.duplicates)
        audit.record(user, audit.Action.CREATE, statement, summary=_(
            "statement %(name)s: %(rows)d rows, %(recorded)d payments, %(dupes)d already recorded") % {
            "name": name, "rows": len(parsed), "recorded": result.recorded, "dupes": result.duplicates},
            changes=result.as_dict())
    result.open_items = sum(n for m, n in result.by_match.items() if m != Match.MATCHED)
    return result


def with_row_counts(statements):
    """Statements with the counts that add up to their rows: ``paid_in_full`` + ``different_amount`` +
    ``no_invoice`` + ``duplicates`` (already recorded before) = ``rows``; ``still_open`` says how many of
    the rows with a different amount or no invoice still wait for a person."""
    return statements.annotate(
        paid_in_full=Count("statement_rows", filter=Q(statement_rows__match=Match.MATCHED)),
        different_amount=Count("statement_rows", filter=Q(statement_rows__match__in=[Match.UNDERPAID,
                                                                                     Match.OVERPAID])),
        no_invoice=Count("statement_rows", filter=Q(statement_rows__match=Match.UNMATCHED)),
        still_open=Count("statement_rows", filter=~Q(statement_rows__match=Match.MATCHED)
                         & Q(statement_rows__resolved_at__isnull=True)))


def known_references(references: list[str]) -> set[str]:
    """References already recorded as payments or statement rows."""
    known = set()
    for chunk in dialect.chunks(references):
        known.update(Payment.objects.filter(reference__in=chunk).values_list("reference", flat=True))
        known.update(StatementRow.objects.filter(reference__in=chunk).values_list("reference", flat=True))
    return known


def _record_rows(rows: list[ParsedRow], statement: Statement, invoices, user) -> dict[str, int]:
    """Record the rows of a statement whose references are new, all at once: match them to invoices,
    record and allocate the payments (``record_payments``, in file order), write the statement rows.
    Returns how many rows each match has."""
    matched = match_invoices(invoices, rows)
    plans = [PaymentPlan(invoice_id=invoice_id, amount=row.amount, reference=row.reference, paid_on=row.paid_on,
                         channel=_channel(row.account), note=_note(statement.pk, row.row_number))
             for row, invoice_id in zip(rows, matched) if invoice_id is not None]
    recorded = iter(record_payments(plans, user=user))
    records, counts = [], {}
    for row, invoice_id in zip(rows, matched):
        record = StatementRow(statement=statement, row_number=row.row_number, reference=row.reference,
                              paid_on=row.paid_on, amount=row.amount, account=row.account,
                              description=row.description, match=Match.UNMATCHED)
        if invoice_id is not None:
            paid = next(recorded)
            record.invoice, record.payment, record.expected = paid.invoice, paid.payment, paid.expected
            record.match = classify(row.amount, paid.expected)
        records.append(record)
        counts[record.match] = counts.get(record.match, 0) + 1
    StatementRow.objects.bulk_create(records, batch_size=ROWS_PER_INSERT)
    return counts


def _channel(account: str) -> str:
    return Channel.VIRTUAL_ACCOUNT if invoice_id_from_virtual_account(account) else Channel.TRANSFER


def _note(statement_id: int, row_number: int) -> str:
    return _("statement %(id)s row %(row)d") % {"id": statement_id, "row": row_number}


def _pay(record: StatementRow, invoice: Invoice, user) -> None:
    """Record an unmatched row a person assigned to ``invoice``."""
    invoice.refresh_from_db(fields=["total", "paid"])
    expected = invoice.total - invoice.paid
    payment, _created = record_payment(invoice, amount=record.amount, reference=record.reference,
                                       paid_on=record.paid_on, channel=_channel(record.account), user=user,
                                       note=_note(record.statement_id, record.row_number))
    record.invoice, record.payment, record.expected = invoice, payment, expected
    record.match = classify(record.amount, expected)
    record.save()


# --- resolution ----------------------------------------------------------------------------------

def open_items(access):
    """Statement rows that need a person: unmatched, under-paid and over-paid, not yet resolved."""
    return (visible_statement_rows(access).exclude(match=Match.MATCHED).filter(resolved_at__isnull=True)
            .select_related("invoice", "invoice__funder", "payment", "statement"))


def resolve(access, row: StatementRow, action: str, *, invoice: Invoice | None = None, note: str = "") -> StatementRow:
    """Settle an open statement row.

    - ``assigned``: an unmatched row is recorded against the chosen invoice;
    - ``surplus_moved``: an over-payment's surplus goes to another open invoice of the same funder;
    - ``accepted`` (an under-payment stays a part payment), ``refund`` or ``dismissed``: noted only.
    """
    access.require("payment.resolve")
    if not visible_statement_rows(access).filter(pk=row.pk).exists():
        raise PermissionDenied(_("This statement row is outside your scope."))
    if action not in Resolution.values:
        raise PaymentError(_("Unknown resolution."))
    user = actor(access)
    with transaction.atomic():
        row = StatementRow.objects.select_for_update().get(pk=row.pk)
        if row.resolved_at is not None or row.match == Match.MATCHED:
            raise PaymentError(_("This row is already settled."))
        if action in (Resolution.ASSIGNED, Resolution.SURPLUS_MOVED):
            if invoice is None or not visible_invoices(access).filter(pk=invoice.pk).exists():
                raise PaymentError(_("Choose an invoice in your scope."))
        if action == Resolution.ASSIGNED:
            if row.match != Match.UNMATCHED:
                raise PaymentError(_("Only an unmatched row can be assigned to an invoice."))
            _pay(row, invoice, user)
            audit.record(user, audit.Action.UPDATE, row, summary=_("statement row %(ref)s assigned to %(invoice)s") % {
                "ref": row.reference, "invoice": invoice.number}, changes={"invoice": [None, invoice.number]})
            if row.match != Match.MATCHED:
                return row  # recorded, but the amount differs: it stays open for the next step
        elif action == Resolution.SURPLUS_MOVED:
            if row.match != Match.OVERPAID or row.payment is None:
                raise PaymentError(_("Only an over-payment has a surplus to move."))
            move_surplus(access, row.payment, invoice, note=note)
        elif action == Resolution.ACCEPTED and row.match == Match.UNMATCHED:
            raise PaymentError(_("An unmatched row is assigned to an invoice or dismissed."))
        row.resolution, row.resolution_note = action, note[:300]
        row.resolved_by, row.resolved_at = user, timezone.now()
        row.save()
        audit.record(user, audit.Action.UPDATE, row, summary=_("statement row %(ref)s: %(action)s") % {
            "ref": row.reference, "action": Resolution(action).label}, changes={"resolution": [None, action],
                                                                                 "note": [None, note]})
    return row
