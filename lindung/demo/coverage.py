"""Billing and coverage part of the demo: past months billed and paid, so the dashboards show real data.

- Gresik, December 2022 (BPJS Ketenagakerjaan Gresik, 23 December 2022): the regency's working population 628,952 and
  East Java's (BPS, August 2022) are entered; a cohort of active members paid by the regency budget
  and GN Lingkaran donors is generated, billed and paid for December 2022, so the regency dashboard
  computes its coverage from those members (247,777 of them reproduce the reported 39.40 %). The
  number is the ``gresik_members`` argument: ``lindung demo`` passes a tenth unless given
  ``--gresik-members``; 250 in test mode; 247,777 when nothing says otherwise.
- This year: every reserved month up to the current one is billed. Jambi and the Cerme villages pay
  their invoices on time (this month's too once its due date has passed) — except Desa Lengkong,
  which paid nothing for three months and then everything at once (its RT/RW heads lapsed and start
  a new membership), and Desa Kandangan, which has not paid last month's and this month's
  invoices; the CSR company's payments arrive in a bank statement (imported by the Gresik branch)
  with rows left to resolve; the Cerme agent collects from the SERTAKAN member and most
  self-payers (commission).
- Monthly snapshots of the past twelve months feed the trend charts.
"""

import datetime as dt

from django.conf import settings
from django.db import connection
from django.db.models import Q
from django.utils import timezone

from lindung import dialect
from lindung.accounts.access import Access
from lindung.accounts.models import User
from lindung.billing.models import Invoice
from lindung.billing.payments import collect, record_payment
from lindung.billing.runs import bill
from lindung.billing.signals import payment_batch
from lindung.billing.statements import import_statement
from lindung.coverage.snapshots import take_snapshot
from lindung.funding.models import Funder, FunderKind, ReservedMonth, Sponsorship
from lindung.months import month_from_index, month_index
from lindung.people.models import Worker
from lindung.regions.models import Region, WorkingPopulation

from .names import FAMILY, FEMALE, MALE

# Tables of the raw SQL below, named by their models.
RESERVED, SPONSORSHIPS, WORKERS = dialect.table(ReservedMonth), dialect.table(Sponsorship), dialect.table(Worker)

GRESIK_MEMBERS = 247_777   # active members on 23 Dec 2022 (seed 001)
GRESIK_WORKING = 628_952   # workers in the regency (seeds 000, 001)
EAST_JAVA_WORKING = 21_610_000  # BPS Jawa Timur, Sakernas August 2022: 21.61 million people working


def seed_coverage(today: dt.date, password_hash: str | None = None, *, gresik_members: int | None = None) -> dict:
    month = today.replace(day=1)
    _working_populations()
    members = gresik_members if gresik_members is not None else (250 if settings.MODE == "test" else GRESIK_MEMBERS)
    with connection.cursor() as cursor, dialect.bulk_work(cursor):
        cohort = _gresik_cohort(members) if members else 0

    first = ReservedMonth.objects.filter(month__gte=dt.date(2023, 1, 1)).order_by("month").values_list(
        "month", flat=True).first()
    months = [] if first is None else [month_from_index(i) for i in range(month_index(first), month_index(month) + 1)]
    for m in months:
        bill(Access.console(), m)
    agent = User.objects.filter(username="agen.cerme").first()
    with payment_batch():
        _pay_past_months(month, today, Access(agent) if agent else None)
    _csr_statement(today)

    for m in sorted({dt.date(2022, 12, 1), *[month_from_index(month_index(month) - i) for i in range(1, 13)]}):
        take_snapshot(Access.console(), m)
    return {"gresik_members_2022": cohort, "months_billed": len(months),
            "invoices": Invoice.objects.count()}


def _working_populations() -> None:
    for code, year, count, source in (
            ("3525", 2022, GRESIK_WORKING, "BPJS Ketenagakerjaan Cabang Gresik, Desember 2022"),
            ("35", 2022, EAST_JAVA_WORKING, "BPS Provinsi Jawa Timur, Sakernas Agustus 2022 (penduduk bekerja)")):
        WorkingPopulation.objects.update_or_create(region_id=code, year=year,
                                                   defaults={"count": count, "source": source})


def _gresik_cohort(count: int) -> int:
    """Generate, bill and pay December 2022 for ``count`` members spread over Gresik's villages."""
    december = dt.date(2022, 12, 1)
    regency = Funder.objects.get(kind=FunderKind.REGENCY, region_id="3525")
    donors, _ = Funder.objects.get_or_create(kind=FunderKind.DONOR, name="Donatur GN Lingkaran Gresik",
                                             defaults={"region_id": "3525"})
    villages = list(Region.objects.filter(level=4, code__startswith="3525").order_by("code")
                    .values_list("code", flat=True))
    now = dialect.datetime_param(timezone.now())

    def pick(names: list[str], expr: str) -> str:
        return "CASE " + expr + " " + " ".join(f"WHEN {i} THEN '{n}'" for i, n in enumerate(names)) + " END"

    first = pick(FEMALE, f"(s.n / 2) %% {len(FEMALE)}")
    first_m = pick(MALE, f"(s.n / 2) %% {len(MALE)}")
    family = pick([f for f in FAMILY if f], f"(s.n / 7) %% {len([f for f in FAMILY if f])}")
    day, mon, year = "(1 + s.n %% 28)", "(1 + (s.n / 28) %% 12)", "(1962 + (s.n / 336) %% 40)"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {WORKERS}")
        before = cursor.fetchone()[0]
        dialect.create_temp_table(cursor, "demo_villages", "idx integer PRIMARY KEY, code varchar(10)")
        cursor.executemany("INSERT INTO demo_villages (idx, code) VALUES (%s, %s)", list(enumerate(villages)))
        female = "s.n %% 2 = 0"
        cursor.execute(f"""
            INSERT INTO {WORKERS} (nik, name, name_key, birth_place, birth_date, sex, village_code, district_code,
                regency_code, province_code, phone, occupation, segment, ecosystem, sector, declared_income,
                nik_flags, registered_by_id, created_at, updated_at)
            SELECT SUBSTR(v.code, 1, 6) || {dialect.zero_pad(f"{day} + CASE WHEN {female} THEN 40 ELSE 0 END", 2)}
                   || {dialect.zero_pad(mon, 2)} || {dialect.zero_pad(f"{year} %% 100", 2)} || {dialect.zero_pad("5001 + s.n / 13440", 4)},
                   (CASE WHEN {female} THEN {first} ELSE {first_m} END) || ' ' || {family},
                   UPPER((CASE WHEN {female} THEN {first} ELSE {first_m} END) || ' ' || {family}),
                   'Gresik', {dialect.make_date(year, mon, day)}, CASE WHEN {female} THEN 'F' ELSE 'M' END,
                   v.code, SUBSTR(v.code, 1, 6), '3525', '35', '',
                   CASE s.n %% 20 WHEN 0 THEN 'Ketua RT' WHEN 1 THEN 'Ketua RW' WHEN 2 THEN 'Kepala Dusun'
                        WHEN 3 THEN 'Pedagang pasar' WHEN 4 THEN 'Penjahit' ELSE 'Buruh tani' END,
                   CASE s.n %% 20 WHEN 0 THEN 'rt_rw' WHEN 1 THEN 'rt_rw' WHEN 2 THEN 'perangkat_desa'
                        WHEN 3 THEN 'bpu_lain' WHEN 4 THEN 'bpu_lain' ELSE 'bpu_rentan' END,
                   CASE s.n %% 20 WHEN 0 THEN 'desa' WHEN 1 THEN 'desa' WHEN 2 THEN 'desa' WHEN 3 THEN 'pasar'
                        WHEN 4 THEN 'umkm' ELSE 'rentan' END,
                   'other', 1000000, '[]', NULL, %s, %s
            FROM {dialect.series()} JOIN demo_villages v ON v.idx = s.n %% %s""", [now, now, count, len(villages)])
        dialect.drop_temp_table(cursor, "demo_villages")
        # Four in five paid from the regency budget (APBD), one in five by GN Lingkaran donors.
        cursor.execute(f"""
            INSERT INTO {SPONSORSHIPS} (funder_id, worker_id, programs, funding_source, start_month, months,
                end_month, monthly_amount, state, note, created_at)
            SELECT CASE WHEN w.id %% 5 = 0 THEN %s ELSE %s END, w.id, 'jkk,jkm',
                   CASE WHEN w.id %% 5 = 0 THEN 'donor' ELSE 'apbd-regency' END, %s, 1, %s, 16800, 'ended',
                   'Gresik, Desember 2022', %s
            FROM {WORKERS} w WHERE w.id > %s""",
                       [donors.pk, regency.pk, dialect.date_param(december), dialect.date_param(december), now, before])
        for program in ("jkk", "jkm"):
            cursor.execute(f"""
                INSERT INTO {RESERVED} (sponsorship_id, worker_id, program, month, funder_id, funding_source)
                SELECT s.id, s.worker_id, %s, s.start_month, s.funder_id, s.funding_source FROM {SPONSORSHIPS} s
                WHERE s.worker_id > %s""", [program, before])
    bill(Access.console(), december)
    for invoice in Invoice.objects.filter(month=december, funder__in=[regency, donors]):
        record_payment(invoice, amount=invoice.outstanding, reference=f"DEMO-2022-12-{invoice.pk}",
                       paid_on=dt.date(2022, 12, 12))
    return count


def _on_time(invoice: Invoice, today: dt.date) -> dt.date:
    due = invoice.due_date or invoice.first_month.replace(day=15)
    return min(due - dt.timedelta(days=3), today)


def _pay_past_months(month: dt.date, today: dt.date, agent_access) -> None:
    """Everyone pays before the due date, except the stories told in the module docstring."""
    index = month_index(month)
    lapsing, behind = "3525112002", "3525112003"   # Desa Lengkong, Desa Kandangan (Kecamatan Cerme)
    open_invoices = (Invoice.objects.filter(month__lte=month, paid=0, month__gte=dt.date(2023, 1, 1))
                     .filter(Q(month__lt=month) | Q(due_date__lte=today))
                     .select_related("funder").order_by("month", "id"))
    catch_up = []
    for invoice in open_invoices:
        funder, m = invoice.funder, month_index(invoice.month)
        if funder.kind == FunderKind.COMPANY:
            continue  # paid through the bank statement below
        if funder.region_id == behind and m >= index - 1:
            continue  # last month and this month unpaid: still within the grace period
        if funder.region_id == lapsing and index - 5 <= m <= index - 3:
            catch_up.append(invoice)  # three months unpaid, paid all at once later
            continue
        if funder.kind in (FunderKind.SELF, FunderKind.SERTAKAN):
            if agent_access is None or (funder.kind == FunderKind.SELF and funder.pk % 4 == 0):
                continue  # this self-payer has not paid yet
            collect(agent_access, invoice, amount=invoice.outstanding, reference=f"KW-{invoice.pk}",
                    paid_on=_on_time(invoice, today))
            continue
        record_payment(invoice, amount=invoice.outstanding, reference=f"DEMO-{invoice.pk}",
                       paid_on=_on_time(invoice, today))
    late_day = min(month_from_index(index - 1).replace(day=20), today)
    for invoice in catch_up:
        record_payment(invoice, amount=invoice.outstanding, reference=f"DEMO-LATE-{invoice.pk}", paid_on=late_day)


def _csr_statement(today: dt.date) -> None:
    """The company pays by virtual account; the Gresik branch imports the bank statement, which also
    holds rows a person must resolve."""
    invoices = list(Invoice.objects.filter(funder__kind=FunderKind.COMPANY, paid=0, month__lt=today.replace(day=1))
                    .order_by("month"))
    if not invoices:
        return
    rows = ["tanggal;referensi;jumlah;virtual_account;keterangan"]
    for i, invoice in enumerate(invoices):
        amount = invoice.outstanding
        if i == len(invoices) - 1 and len(invoices) > 1:
            amount -= 8_400  # the last transfer fell short: under-paid, to resolve
        rows.append(f"{_on_time(invoice, today).isoformat()};BNI-{invoice.pk:06d};{amount};"
                    f"{invoice.virtual_account};TJSL GN Lingkaran")
    rows.append(f"{today.isoformat()};BNI-UNKNOWN-1;16800;;Transfer tanpa berita")  # unmatched
    branch = User.objects.filter(username="cabang.gresik").first()
    importer = Access(branch) if branch else Access.console()
    import_statement(importer, ("\n".join(rows) + "\n").encode(), f"bni-{today:%Y%m%d}.csv")
