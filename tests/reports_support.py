"""A small Gresik scenario for the report tests, counted by hand.

Gresik (3525), paid January–March 2025 on the 10th of each month:
- Dadapkuning (Cerme): 2 vulnerable workers (regency pays) + 1 RT head (village pays)
- Lengkong (Cerme): 2 vulnerable workers (CSR company pays)
- Dukun district: 1 vulnerable worker (regency pays)
Jambi: 1 worker (province pays), January only.
Working population of Gresik for 2024: 40 → March 2025: 6 active, 15.00 %.
"""

import io
import subprocess
import tempfile
from pathlib import Path

import pytest

from lindung.accounts.access import Access
from lindung.billing.models import Invoice
from lindung.billing.payments import record_payment
from lindung.billing.runs import bill
from lindung.regions.models import Region, WorkingPopulation

from .billing_support import funder, month, sponsor
from .conftest import DADAPKUNING, JAMBI_VILLAGE, LENGKONG, create_worker

MARCH = month("2025-03")


def first_village(prefix: str) -> str:
    return Region.objects.filter(level=4, code__startswith=prefix).order_by("code").values_list("code", flat=True)[0]


@pytest.fixture
def gresik_members(db, csr_funder):
    regency = funder("regency", "Pemerintah Kabupaten Gresik", "3525")
    village = funder("village", "Pemerintah Desa Dadapkuning", DADAPKUNING)
    province = funder("province", "Pemerintah Provinsi Jambi", "15")
    w = {
        "dadap": [create_worker(DADAPKUNING, serial=i) for i in (1, 2)],
        "rt": [create_worker(DADAPKUNING, serial=3, segment="rt_rw", ecosystem="desa")],
        "lengkong": [create_worker(LENGKONG, serial=i) for i in (4, 5)],
        "dukun": [create_worker(first_village("352501"), serial=6)],
        "jambi": [create_worker(JAMBI_VILLAGE, serial=8)],
    }
    for payer, group in ((regency, w["dadap"] + w["dukun"]), (village, w["rt"]), (csr_funder, w["lengkong"]),
                         (province, w["jambi"])):
        sponsor(payer, group, start=month("2025-01"), months=6)
    for m in ("2025-01", "2025-02", "2025-03"):
        bill(Access.console(), month(m))
    for invoice in Invoice.objects.filter(month__lte=MARCH):
        if invoice.funder == province and invoice.month > month("2025-01"):
            continue
        record_payment(invoice, amount=invoice.outstanding, reference=f"P-{invoice.pk}",
                       paid_on=invoice.month.replace(day=10))
    WorkingPopulation.objects.create(region_id="3525", year=2024, count=40)
    return w


def read_xlsx(data: bytes):
    from openpyxl import load_workbook

    return load_workbook(io.BytesIO(data))


def pdf_text(data: bytes) -> str:
    """Text of a PDF as poppler extracts it (pdftotext), after checking every page renders (pdftoppm)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "report.pdf"
        path.write_bytes(data)
        subprocess.run(["pdftoppm", "-r", "40", "-png", str(path), str(Path(tmp) / "page")], check=True,
                       capture_output=True)
        pages = sorted(Path(tmp).glob("page*.png"))
        assert pages and all(p.stat().st_size > 1000 for p in pages)
        out = subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True)
        return out.stdout


def cell_values(sheet) -> list[list]:
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def sheet(book, title: str):
    """A sheet by its table title (sheet names are cut to 28 characters)."""
    return next(s for s in book.worksheets if title.startswith(s.title))
