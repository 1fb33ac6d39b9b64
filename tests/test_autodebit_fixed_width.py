"""Fixed-width bank layouts: the example of docs/autodebit.md is checked, writes the documented line, and a
whole month goes out and comes back in it (export, the bank's answer, import) like the separated layout."""

import datetime as dt
import json
import re
from pathlib import Path

import pytest

from lindung.accounts.access import Access
from lindung.autodebit.layouts import DebitLine, LayoutOverflow, check_layout, read_return_file, write_debit_file
from lindung.autodebit.models import BankLayout, Debit, Outcome, Reason
from lindung.autodebit.services import AutodebitError, export_debit_file, import_return_file, load_banks
from lindung.billing.models import Payment
from lindung.billing.runs import bill

from .autodebit_support import self_payer_with_mandate
from .billing_support import month
from .conftest import DADAPKUNING, LENGKONG, create_worker

GUIDE = (Path(__file__).resolve().parent.parent / "docs" / "autodebit.md").read_text()
APRIL = month("2026-04")


def documented() -> dict:
    block = next(b for b in re.findall(r"```json\n(.*?)```", GUIDE, flags=re.S) if '"format": "fixed"' in b)
    return json.loads(block)


def test_the_documented_fixed_width_layout_is_valid_and_writes_the_documented_line():
    [bank] = documented()["banks"]
    assert check_layout(bank["layout"]) == []
    line = DebitLine(mandate=42, reference="AD0000000042202606", account_number="0123456789",
                     account_holder="Sutrisno", amount=8_400, debit_date=dt.date(2026, 6, 22))
    text = write_debit_file(bank["layout"], bank="BANKF", month=month("2026-06"), created=dt.date(2026, 6, 1),
                            lines=[line])
    header, detail, trailer = text.split("\r\n")[:3]
    assert text.endswith("\r\n") and text.count("\r\n") == 3
    documented_line = re.search(r"```\n(D[^\n]*)\n```", GUIDE.split('"format": "fixed"', 1)[1]).group(1)
    assert detail == documented_line and len(detail) == 89
    # Header: H, the bank in 8, the month, 1 line zero-padded to 6, Rp8,400 zero-padded to 15.
    assert header == "H" + "BANKF   " + "202606" + "000001" + "000000000008400"
    assert trailer == "T" + "000001" + "000000000008400"


def test_a_value_longer_than_its_cell_refuses_the_file_but_a_name_is_cut():
    [bank] = documented()["banks"]
    long_name = DebitLine(mandate=1, reference="AD0000000001202606", account_number="0123456789",
                          account_holder="Raden Mas Sutrisno Wiryo Kusumo Hadiningrat", amount=8_400,
                          debit_date=dt.date(2026, 6, 22))
    text = write_debit_file(bank["layout"], bank="BANKF", month=month("2026-06"), created=dt.date(2026, 6, 1),
                            lines=[long_name])
    assert "Raden Mas Sutrisno Wiryo Kusum" + "000000008400" in text  # 30 characters of the name
    long_account = DebitLine(mandate=2, reference="AD0000000002202606", account_number="1" * 21,
                             account_holder="Sutrisno", amount=8_400, debit_date=dt.date(2026, 6, 22))
    with pytest.raises(LayoutOverflow) as refused:
        write_debit_file(bank["layout"], bank="BANKF", month=month("2026-06"), created=dt.date(2026, 6, 1),
                         lines=[long_name, long_account])
    assert refused.value.lines == [f"Baris 3: “{'1' * 21}” lebih panjang dari 20 karakternya ({{account_number}})."]


def test_fixed_width_checks_name_what_is_wrong():
    [bank] = documented()["banks"]
    layout = json.loads(json.dumps(bank["layout"]))
    layout["debit_file"]["columns"][1] = {"value": "{reference}"}
    layout["return_file"]["columns"]["status"] = 89
    problems = check_layout(layout)
    assert len(problems) == 2
    assert problems[0].startswith("debit_file.columns:") and "return_file.columns" in problems[1]


@pytest.mark.django_db
def test_a_month_out_and_back_in_the_fixed_width_layout(national_admin):
    load_banks()
    [spec] = documented()["banks"]
    bank = BankLayout.objects.create(code=spec["code"], name=spec["name"], layout=spec["layout"])
    ani = self_payer_with_mandate(create_worker(DADAPKUNING, serial=1, name="Ani"), start=APRIL, account="1111222233")
    budi = self_payer_with_mandate(create_worker(LENGKONG, serial=2, name="Budi"), start=APRIL, account="4444555566")
    for mandate in (ani, budi):
        mandate.bank = bank
        mandate.save(update_fields=["bank"])
    bill(Access.console(), APRIL)
    admin = Access(national_admin)
    text, run = export_debit_file(admin, APRIL, bank, today=dt.date(2026, 4, 1))
    details = [line for line in text.split("\r\n") if line.startswith("D")]
    # Two self-paying BPU workers, Rp8,400 each in April 2026 (RULES.md §3, PP 50/2025 relief).
    assert len(details) == 2 and text.split("\r\n")[-2] == "T" + "000002" + "000000000016800"
    assert {line[19:39].strip() for line in details} == {"1111222233", "4444555566"}
    # The bank debits Ani and answers 51 (insufficient funds) for Budi, on 20 April.
    status = {"1111222233": "00", "4444555566": "51"}
    answer = "\r\n".join(line[:81] + "20260420" + status[line[19:39].strip()] for line in details) + "\r\n"
    lines, errors = read_return_file(bank.layout, answer)
    assert errors == []
    assert sorted((ln.amount, ln.succeeded, ln.reason) for ln in lines) == [
        (8_400, False, Reason.INSUFFICIENT_FUNDS), (8_400, True, "")]
    result = import_return_file(admin, bank, "bankf-2026-04.txt", answer.encode())
    assert (result.debited, result.failed) == (1, 1)
    assert Payment.objects.filter(reference=f"AD{ani.pk:010d}202604", amount=8_400).exists()
    assert Debit.objects.get(mandate=budi, month=APRIL).outcome == Outcome.FAILED
    again = import_return_file(admin, bank, "bankf-2026-04-again.txt", answer.encode())
    assert (again.debited, again.failed) == (0, 0) and Payment.objects.count() == 1
    # A short line is refused by its row number and nothing is recorded.
    with pytest.raises(AutodebitError) as refused:
        import_return_file(admin, bank, "short.txt", (details[0][:60] + "\r\n").encode())
    assert "Baris 1" in refused.value.lines[0]


def test_implied_sen_are_written_and_read_back():
    [bank] = documented()["banks"]
    layout = json.loads(json.dumps(bank["layout"]))
    for part in ("debit_file", "return_file"):
        layout[part].update(amount_decimals=2, decimal_point=False)
    assert check_layout(layout) == []
    line = DebitLine(mandate=42, reference="AD0000000042202606", account_number="0123456789",
                     account_holder="Sutrisno", amount=8_400, debit_date=dt.date(2026, 6, 22))
    text = write_debit_file(layout, bank="BANKF", month=month("2026-06"), created=dt.date(2026, 6, 1), lines=[line])
    detail = text.split("\r\n")[1]
    assert detail[69:81] == "000000840000"  # Rp8,400 and 00 sen
    [returned], errors = read_return_file(layout, detail[:81] + "20260622" + "00")
    assert errors == [] and returned.amount == 8_400
    # Sen that are not zero are not an amount in whole rupiah.
    _lines, errors = read_return_file(layout, detail[:69] + "000000840050" + "20260622" + "00")
    assert errors == ["Baris 1: “000000840050” bukan jumlah rupiah bulat."]
