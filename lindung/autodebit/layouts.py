"""Bank file layouts as data: writing a debit file and reading a return file by a bank's layout.

A layout (``BankLayout.layout``, shipped in ``data/banks.json``) has two parts:

``debit_file``: ``separator``, ``date_format`` and ``month_format`` (strftime), ``amount_decimals`` (0 for
whole rupiah, 2 for ``16800.00``), and three rows of cells — ``header`` and ``trailer`` (may be empty
lists: no such row) and ``columns`` (one detail line per mandate). A cell is a literal (``"D"``) or one
field in braces: detail lines take ``{reference}``, ``{account_number}``, ``{account_holder}``,
``{amount}``, ``{debit_date}``, ``{month}``, ``{mandate}``; header and trailer take ``{bank}``,
``{month}``, ``{created}``, ``{count}``, ``{total}``.

``return_file``: ``separator``, ``date_format``, ``amount_decimals``, ``detail`` (optional
``{"column": n, "value": "D"}``: only rows with that value in that column are debit lines; header and
trailer rows are skipped), ``columns`` (0-based positions of ``reference``, ``amount``, ``date``,
``status``), ``success`` (the status values meaning debited) and ``reasons`` (the bank's failure codes
→ ``insufficient_funds``, ``account_closed``, ``mandate_invalid``; any other code reads as ``other``).

Either part may instead be **fixed-width** (``"format": "fixed"``; the default is ``"separated"``): no
separator; in the debit file every cell is an object ``{"value": "{amount}", "width": 12, "align": "right",
"pad": "0"}`` (``align`` left by default, ``pad`` a space by default, ``"truncate": true`` to cut a longer
value — otherwise a value longer than its width refuses the whole file, so an account number or an amount
is never cut); in the return file ``columns`` and ``detail`` give ``{"start": n, "width": w}`` (characters,
from 0) instead of positions. ``debit_file.line_end`` is ``"lf"`` (default) or ``"crlf"``. With ``"amount_decimals": 2`` and
``"decimal_point": false`` amounts carry implied sen (``840000`` for Rp8,400), as many host-to-host
formats write them.
"""

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from .models import Reason

DETAIL_FIELDS = {"reference", "account_number", "account_holder", "amount", "debit_date", "month", "mandate"}
TOTAL_FIELDS = {"bank", "month", "created", "count", "total"}
RETURN_COLUMNS = ("reference", "amount", "date", "status")
FIELD = re.compile(r"^\{([a-z_]+)\}$")
FORMATS = ("separated", "fixed")
LINE_ENDS = {"lf": "\n", "crlf": "\r\n"}


class LayoutOverflow(ValueError):
    """A value longer than its fixed-width cell: the file is not written (an account number or an amount is
    never cut)."""

    def __init__(self, lines: list[str]):
        super().__init__("; ".join(lines))
        self.lines = lines


def _fixed_cells_ok(cells, fields: set[str]) -> str | None:
    if not isinstance(cells, list) or not all(isinstance(c, dict) for c in cells):
        return _("must be a list of cells {value, width}")
    for cell in cells:
        if not isinstance(cell.get("width"), int) or isinstance(cell["width"], bool) or cell["width"] < 1:
            return _("every cell needs a width of at least 1: %(cell)s") % {"cell": cell}
        if cell.get("align", "left") not in ("left", "right"):
            return _("align is left or right: %(cell)s") % {"cell": cell}
        if not isinstance(cell.get("pad", " "), str) or len(cell.get("pad", " ")) != 1:
            return _("pad is one character: %(cell)s") % {"cell": cell}
        problem = _cells_ok([cell.get("value")], fields)
        if problem:
            return problem
    return None


def _span_ok(value) -> bool:
    return (isinstance(value, dict) and isinstance(value.get("start"), int) and isinstance(value.get("width"), int)
            and not isinstance(value["start"], bool) and value["start"] >= 0 and value["width"] >= 1)


def _cells_ok(cells, fields: set[str]) -> str | None:
    if not isinstance(cells, list) or not all(isinstance(c, str) for c in cells):
        return _("must be a list of texts")
    for cell in cells:
        match = FIELD.match(cell)
        if match and match.group(1) not in fields:
            return _("unknown field %(field)s (use %(fields)s)") % {"field": cell, "fields": ", ".join(sorted(fields))}
        if not match and ("{" in cell or "}" in cell):
            return _("a cell is either a literal or one {field}: %(cell)s") % {"cell": cell}
    return None


def _format_ok(value) -> bool:
    try:
        return isinstance(value, str) and "%" in value and bool(dt.date(2026, 1, 31).strftime(value))
    except ValueError:
        return False


def check_layout(layout) -> list[str]:
    """What is wrong with a layout, as messages (empty when it can be used)."""
    errors = []
    if not isinstance(layout, dict):
        return [_("A layout is an object with debit_file and return_file.")]
    debit, back = layout.get("debit_file"), layout.get("return_file")
    if not isinstance(debit, dict) or not isinstance(back, dict):
        return [_("A layout is an object with debit_file and return_file.")]
    for part, spec in (("debit_file", debit), ("return_file", back)):
        if spec.get("format", "separated") not in FORMATS:
            errors.append(_("%(part)s.format must be separated or fixed.") % {"part": part})
            continue
        if spec.get("format", "separated") == "separated" and (
                not isinstance(spec.get("separator"), str) or len(spec["separator"]) != 1):
            errors.append(_("%(part)s.separator must be one character.") % {"part": part})
        if not _format_ok(spec.get("date_format")):
            errors.append(_("%(part)s.date_format must be a strftime format such as %%Y-%%m-%%d.") % {"part": part})
        if spec.get("amount_decimals", 0) not in (0, 2):
            errors.append(_("%(part)s.amount_decimals must be 0 or 2.") % {"part": part})
        if spec.get("decimal_point", True) not in (True, False):
            errors.append(_("%(part)s.decimal_point must be true or false.") % {"part": part})
    if "month_format" in debit and not _format_ok(debit["month_format"]):
        errors.append(_("debit_file.month_format must be a strftime format such as %%Y-%%m."))
    if debit.get("line_end", "lf") not in LINE_ENDS:
        errors.append(_("debit_file.line_end must be lf or crlf."))
    check_cells = _fixed_cells_ok if debit.get("format") == "fixed" else _cells_ok
    for name, fields in (("header", TOTAL_FIELDS), ("columns", DETAIL_FIELDS), ("trailer", TOTAL_FIELDS)):
        problem = check_cells(debit.get(name, [] if name != "columns" else None), fields)
        if problem:
            errors.append(f"debit_file.{name}: {problem}")
    if not debit.get("columns"):
        errors.append(_("debit_file.columns must name at least one cell."))
    columns, detail = back.get("columns"), back.get("detail")
    if back.get("format") == "fixed":
        if not isinstance(columns, dict) or not all(_span_ok(columns.get(c)) for c in RETURN_COLUMNS):
            errors.append(_("return_file.columns must give {\"start\": n, \"width\": w} (characters, from 0) "
                            "of %(cols)s.") % {"cols": ", ".join(RETURN_COLUMNS)})
        if detail is not None and not (_span_ok(detail) and isinstance(detail.get("value"), str)):
            errors.append(_("return_file.detail must be {\"start\": n, \"width\": w, \"value\": \"D\"}."))
    else:
        if not isinstance(columns, dict) or any(not isinstance(columns.get(c), int) or columns[c] < 0
                                                for c in RETURN_COLUMNS):
            errors.append(_("return_file.columns must give the position (from 0) of %(cols)s.") % {
                "cols": ", ".join(RETURN_COLUMNS)})
        if detail is not None and not (isinstance(detail, dict) and isinstance(detail.get("column"), int)
                                       and isinstance(detail.get("value"), str)):
            errors.append(_("return_file.detail must be {\"column\": n, \"value\": \"D\"}."))
    if not isinstance(back.get("success"), list) or not back["success"]:
        errors.append(_("return_file.success must list the status values that mean debited."))
    reasons = back.get("reasons", {})
    if not isinstance(reasons, dict) or any(v not in Reason.values for v in reasons.values()):
        errors.append(_("return_file.reasons maps the bank's codes to %(values)s.") % {
            "values": ", ".join(Reason.values)})
    return errors


def format_amount(amount: int, decimals: int, point: bool = True) -> str:
    """Whole rupiah as the bank writes them: ``8400``, ``8400.00``, or with implied decimals ``840000``."""
    if decimals != 2:
        return str(amount)
    return f"{amount}.00" if point else f"{amount}00"


def parse_amount(text: str, decimals: int, point: bool = True) -> int | None:
    value = (text or "").strip().replace(" ", "")
    if decimals == 2 and not point:  # implied decimals: the last two digits are sen
        if not value.isdigit() or len(value) < 3 or not value.endswith("00"):
            return None
        return int(value[:-2])
    if decimals == 2:
        match = re.fullmatch(r"(\d+)[.,](\d{2})", value)
        if not match or match.group(2) != "00":
            return None
        return int(match.group(1))
    return int(value) if value.isdigit() else None


def _cell(cell: str, values: dict) -> str:
    match = FIELD.match(cell)
    return str(values[match.group(1)]) if match else cell


@dataclass
class DebitLine:
    mandate: int
    reference: str
    account_number: str
    account_holder: str
    amount: int
    debit_date: dt.date


def _fixed_row(cells: list[dict], values: dict, row: str) -> tuple[str, str | None]:
    out = []
    for cell in cells:
        text = _cell(cell["value"], values)
        width = cell["width"]
        if len(text) > width:
            if not cell.get("truncate"):
                return "", _("%(row)s: “%(value)s” is longer than its %(width)d characters (%(cell)s).") % {
                    "row": row, "value": text, "width": width, "cell": cell["value"]}
            text = text[:width]
        pad = cell.get("pad", " ")
        out.append(text.rjust(width, pad) if cell.get("align", "left") == "right" else text.ljust(width, pad))
    return "".join(out), None


def write_debit_file(layout: dict, *, bank: str, month: dt.date, created: dt.date, lines: list[DebitLine]) -> str:
    """The debit instruction file for one bank and month, as text in the bank's layout; raises
    ``LayoutOverflow`` when a value does not fit its fixed-width cell."""
    spec = layout["debit_file"]
    decimals, point = spec.get("amount_decimals", 0), spec.get("decimal_point", True)
    day = spec["date_format"]
    month_text = month.strftime(spec.get("month_format", "%Y-%m"))
    total = sum(line.amount for line in lines)
    totals = {"bank": bank, "month": month_text, "created": created.strftime(day), "count": len(lines),
              "total": format_amount(total, decimals, point)}
    rows = [("header", totals)] if spec.get("header") else []
    for line in lines:
        rows.append(("columns", {
            "reference": line.reference, "account_number": line.account_number,
            "account_holder": line.account_holder, "amount": format_amount(line.amount, decimals, point),
            "debit_date": line.debit_date.strftime(day), "month": month_text, "mandate": line.mandate}))
    if spec.get("trailer"):
        rows.append(("trailer", totals))
    end = LINE_ENDS[spec.get("line_end", "lf")]
    if spec.get("format") == "fixed":
        texts, problems = [], []
        for number, (part, values) in enumerate(rows, start=1):
            label = _("Row %(row)d") % {"row": number}
            text, problem = _fixed_row(spec[part], values, label)
            texts.append(text)
            if problem:
                problems.append(problem)
        if problems:
            raise LayoutOverflow(problems)
        return "".join(text + end for text in texts)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=spec["separator"], lineterminator=end)
    for part, values in rows:
        writer.writerow([_cell(c, values) for c in spec[part]])
    return out.getvalue()


@dataclass
class ReturnedLine:
    row: int
    reference: str
    amount: int
    on: dt.date
    status: str
    succeeded: bool
    reason: str  # a Reason value, empty on success


def _separated_rows(spec: dict, text: str):
    """(row number, {reference, amount, date, status} or None, error or None) per debit line."""
    columns, detail = spec["columns"], spec.get("detail")
    width = max(columns[c] for c in RETURN_COLUMNS) + 1
    for number, row in enumerate(csv.reader(io.StringIO(text), delimiter=spec["separator"]), start=1):
        if not row or not any(cell.strip() for cell in row):
            continue
        if detail is not None and (len(row) <= detail["column"] or row[detail["column"]].strip() != detail["value"]):
            continue
        if len(row) < width:
            yield number, None, _("Row %(row)d: %(n)d columns, the layout needs %(width)d.") % {
                "row": number, "n": len(row), "width": width}
            continue
        yield number, {c: row[columns[c]] for c in RETURN_COLUMNS}, None


def _fixed_rows(spec: dict, text: str):
    columns, detail = spec["columns"], spec.get("detail")
    width = max(columns[c]["start"] + columns[c]["width"] for c in RETURN_COLUMNS)
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        if detail is not None and line[detail["start"]:detail["start"] + detail["width"]].strip() != detail["value"]:
            continue
        if len(line.rstrip("\r\n")) < width:
            yield number, None, _("Row %(row)d: %(n)d characters, the layout needs %(width)d.") % {
                "row": number, "n": len(line), "width": width}
            continue
        yield number, {c: line[columns[c]["start"]:columns[c]["start"] + columns[c]["width"]]
                       for c in RETURN_COLUMNS}, None


def read_return_file(layout: dict, text: str) -> tuple[list[ReturnedLine], list[str]]:
    """Every debit line of a return file, and the errors by row number (nothing is used when any)."""
    spec = layout["return_file"]
    decimals, point = spec.get("amount_decimals", 0), spec.get("decimal_point", True)
    success = {str(s) for s in spec["success"]}
    reasons = spec.get("reasons", {})
    rows = _fixed_rows(spec, text) if spec.get("format") == "fixed" else _separated_rows(spec, text)
    lines, errors = [], []
    for number, cells, problem in rows:
        if problem:
            errors.append(problem)
            continue
        reference = cells["reference"].strip()
        amount = parse_amount(cells["amount"], decimals, point)
        status = cells["status"].strip()
        try:
            on = dt.datetime.strptime(cells["date"].strip(), spec["date_format"]).date()
        except ValueError:
            errors.append(_("Row %(row)d: “%(value)s” is not a date in the bank's format.") % {
                "row": number, "value": cells["date"]})
            continue
        if not reference:
            errors.append(_("Row %(row)d: the reference is missing.") % {"row": number})
            continue
        if amount is None or amount <= 0:
            errors.append(_("Row %(row)d: “%(value)s” is not an amount in whole rupiah.") % {
                "row": number, "value": cells["amount"]})
            continue
        if not status:
            errors.append(_("Row %(row)d: the status is missing.") % {"row": number})
            continue
        ok = status in success
        lines.append(ReturnedLine(row=number, reference=reference, amount=amount, on=on, status=status,
                                  succeeded=ok, reason="" if ok else reasons.get(status, Reason.OTHER)))
    if not lines and not errors:
        errors.append(_("The file holds no debit lines for this layout."))
    return lines, errors
