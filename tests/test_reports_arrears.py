"""Arrears and lapse: the follow-up lists of a region and a month, from the coverage lapse rule."""

import pytest
from django.core.exceptions import PermissionDenied

from lindung.accounts.access import Access
from lindung.coverage.followup import follow_up
from lindung.reports.services import request_report

from .billing_support import month
from .reports_support import cell_values, gresik_members, read_xlsx, sheet  # noqa: F401

pytestmark = pytest.mark.django_db


def figures(run) -> dict:
    assert run.status == "done", run.error
    with run.file.open("rb") as f:
        book = read_xlsx(f.read())
    rows = cell_values(book.worksheets[0])
    start = next(i for i, r in enumerate(rows) if r[0] == "Angka")
    return {r[0]: r[1] for r in rows[start + 1:] if r and r[0]}, book


def test_two_unpaid_months_in_may_for_members_paid_until_march(gresik_members, gresik_regency_operator):
    # Gresik's six members paid January–March 2025; in May, April and May are unpaid.
    found, book = figures(request_report(Access(gresik_regency_operator), "arrears",
                                         {"region": "3525", "period": "2025-05", "format": "xlsx"}))
    assert found["2 bulan belum dibayar"] == 6 and found["1 bulan belum dibayar"] == 0
    assert found["nonaktif bulan lalu"] == 0
    rows = cell_values(sheet(book, "Pekerja yang perlu ditindaklanjuti"))[1:]
    assert len(rows) == 6 and {r[5] for r in rows} == {"2025-03"}
    assert {r[1] for r in rows} == {"Pemerintah Kabupaten Gresik", "Pemerintah Desa Dadapkuning",
                                    "PT Sinar Gresik Lestari (CSR)"}
    assert all(len(r[2]) == 16 for r in rows)


def test_one_unpaid_month_in_april(gresik_members, national_admin):
    found, _book = figures(request_report(Access(national_admin), "arrears",
                                          {"region": "3525", "period": "2025-04", "format": "xlsx"}))
    assert found["1 bulan belum dibayar"] == 6


def test_jambi_member_paid_only_january_lapsed_in_april(gresik_members, national_admin):
    lists = follow_up("15", month("2025-05"), Access(national_admin))
    assert lists["lapsed_last_month"].count() == 1
    found, _book = figures(request_report(Access(national_admin), "arrears",
                                          {"region": "15", "period": "2025-05", "format": "xlsx"}))
    assert found["nonaktif bulan lalu"] == 1


def test_agent_sees_only_own_workers_and_funders_are_refused(gresik_members, cerme_agent, csr_donor_user):
    found, _book = figures(request_report(Access(cerme_agent), "arrears",
                                          {"region": "352511", "period": "2025-05", "format": "xlsx"}))
    assert found["2 bulan belum dibayar"] == 0
    with pytest.raises(PermissionDenied):
        request_report(Access(csr_donor_user), "arrears", {"region": "3525", "period": "2025-05", "format": "pdf"})


def test_member_paying_again_after_a_lapse_is_reactivated(gresik_members, national_admin):
    from lindung.billing.models import Invoice
    from lindung.billing.payments import record_payment
    from lindung.billing.runs import bill

    # Jambi's member paid January only and lapsed in April; the province pays June within June.
    for m in ("2025-04", "2025-05", "2025-06"):
        bill(Access.console(), month(m))
    june = Invoice.objects.get(funder__name="Pemerintah Provinsi Jambi", month=month("2025-06"))
    record_payment(june, amount=june.outstanding, reference="P-JUNE", paid_on=month("2025-06").replace(day=12))
    found, book = figures(request_report(Access(national_admin), "arrears",
                                         {"region": "15", "period": "2025-06", "format": "xlsx"}))
    assert found["aktif kembali"] == 1
    rows = cell_values(sheet(book, "Pekerja yang perlu ditindaklanjuti"))[1:]
    assert [r[0] for r in rows] == ["aktif kembali"] and rows[0][5] == "2025-06"
