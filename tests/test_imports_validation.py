"""Every row of a worker list is checked before anything is written, and each problem is reported
with its row number, its column and a stable code (messages are in the user's language)."""

import datetime as dt

import pytest

from lindung.accounts.access import Access
from lindung.imports.pipeline import Options
from lindung.imports.services import create_job, queue_job, run_job
from lindung.people.models import Worker

from .conftest import DADAPKUNING, LENGKONG, create_worker, make_nik
from .imports_support import issues, write_csv, write_xlsx

HEADER = ["NIK", "Nama", "Tanggal Lahir", "L/P", "Kode Desa", "Pekerjaan", "Penghasilan", "Segmen"]
B85 = dt.date(1985, 3, 12)


def row(nik, name="Budi Santoso", born="12/03/1985", sex="L", village=DADAPKUNING, job="Petani",
        income="1.000.000", segment="rentan"):
    return [nik, name, born, sex, village, job, income, segment]


def nik(serial, sex="M", birth=B85, district="352511"):
    return make_nik(district, birth, sex, serial)


def run_import(access, path, **options):
    job = create_job(access, path, options=Options(**options))
    queue_job(access, job)
    return run_job(job, access=access)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def national(db):
    return Access.console()


def test_nik_rules_of_the_registry_reject_rows_with_their_reason(tmp_path, national):
    path = write_csv(tmp_path / "a.csv", [HEADER,
        row(nik(1)),                                   # 2 valid
        row("352511120385001"),                        # 3 15 digits
        row("3525113203850003"),                       # 4 day 32
        row("3525113104850004", born="31/04/1985"),    # 5 31 April does not exist (NIK); date cell too
        row("3525111203850000"),                       # 6 serial 0000 → rounded by a spreadsheet
        row("3525 1112-0385/0006"),                    # 7 mixed separators: not digits (not guessed)
        row(""),                                       # 8 no NIK
    ])
    job = run_import(national, path)
    assert issues(job) == [
        (3, "NIK", "nik_length"), (4, "NIK", "nik_day"),
        (5, "Tanggal Lahir", "date_impossible"), (5, "NIK", "nik_date"),
        (6, "NIK", "spreadsheet_rounded"), (7, "NIK", "nik_not_digits"), (8, "NIK", "nik_required"),
    ]
    assert job.counts["rows"] == 7 and job.counts["created"] == 1 and job.counts["rejected"] == 6


def test_niks_damaged_by_a_spreadsheet_get_their_own_message(tmp_path, national):
    path = write_xlsx(tmp_path / "a.xlsx", [HEADER,
        row("3.52511E+15"),                 # 2 scientific notation typed or exported as text
        row(3525111203850002),              # 3 a number cell, exact: accepted
        row(3525111203850010.0),            # 4 a number cell ending in 0: a real serial 0010 or a rounded one?
        row(3525111203850000.0),            # 5 a number cell ending in 0: the 16th digit was lost
        row("3525111203850005.0"),          # 6 a trailing .0
        row(352511120385000.5),             # 7 a number with decimals
    ])
    job = run_import(national, path)
    assert issues(job) == [(2, "NIK", "spreadsheet_scientific"), (4, "NIK", "spreadsheet_rounded"),
                           (5, "NIK", "spreadsheet_rounded"), (6, "NIK", "spreadsheet_decimal"),
                           (7, "NIK", "spreadsheet_decimal")]
    assert set(Worker.objects.values_list("nik", flat=True)) == {"3525111203850002"}
    message = job.issues.get(row=2).message
    assert "3.52511E+15" in message


def test_niks_with_unambiguous_separators_or_the_text_marker_are_cleaned_and_noted(tmp_path, national):
    path = write_csv(tmp_path / "a.csv", [HEADER,
        row("3525 1112 0385 0001"),          # 2 spaces between groups
        row("3525-1112-0385-0002"),          # 3 hyphens
        row("3525.1112.0385.0003"),          # 4 dots
        row("'3525111203850004"),            # 5 Excel's text marker
        row("3525 1112-0385.0005"),          # 6 three different separators: not guessed
        row("35 25 11 12 03 85 00 06 7"),    # 7 17 digits once separators are removed: not 16
        row("3525111203850008"),             # 8 plain: nothing to note
    ], delimiter=";")
    job = run_import(national, path)
    assert set(Worker.objects.values_list("nik", flat=True)) == {nik(1), nik(2), nik(3), nik(4), nik(8)}
    assert issues(job, "notice") == [(r, "NIK", "nik_cleaned") for r in (2, 3, 4, 5)]
    assert [(r, c) for r, _col, c in issues(job)] == [(6, "nik_not_digits"), (7, "nik_not_digits")]
    assert "3525 1112 0385 0001" in job.issues.get(row=2).message and nik(1) in job.issues.get(row=2).message
    assert job.counts["notices"] == 4


def test_dates_in_three_formats_spreadsheet_cells_and_serial_numbers(tmp_path, national):
    path = write_xlsx(tmp_path / "a.xlsx", [HEADER,
        row(nik(1), name="Pekerja 1", born="12/03/1985"),
        row(nik(2), name="Pekerja 2", born="1985-03-12"),
        row(nik(3), name="Pekerja 3", born=dt.date(1985, 3, 12)),
        row(nik(4), name="Pekerja 4", born=31118),             # Excel serial number of 12 March 1985
        row(nik(5), name="Pekerja 5", born="12-03-1985"),
        row(nik(6), name="Pekerja 6", born="12/03/85"),        # two-digit year: refused, not guessed
        row(nik(7), name="Pekerja 7", born="30/02/1985"),
        row(nik(8), name="Pekerja 8", born="kemarin"),
        row(nik(9), name="Pekerja 9", born="13/03/1985"),      # a real date that disagrees with the NIK: flagged, saved
    ])
    job = run_import(national, path)
    assert issues(job) == [(7, "Tanggal Lahir", "date_two_digit_year"), (8, "Tanggal Lahir", "date_impossible"),
                           (9, "Tanggal Lahir", "date_format")]
    assert issues(job, "review") == [(10, "NIK", "nik_birth_date_mismatch")]
    assert set(Worker.objects.values_list("birth_date", flat=True)) == {B85, dt.date(1985, 3, 13)}
    assert Worker.objects.get(nik=nik(9)).nik_flags == ["birth_date_mismatch"]


def test_village_by_code_or_by_name_within_the_district(tmp_path, gresik_regency_operator):
    access = Access(gresik_regency_operator)
    header = ["NIK", "Nama", "Tgl. Lahir", "JK", "Desa/Kelurahan", "Kecamatan", "Kode Desa"]
    path = write_csv(tmp_path / "a.csv", [header,
        [nik(1), "A", "12/03/1985", "L", "Ds. Dadap Kuning", "Kec. Cerme", ""],   # 2 by name, normalised
        [nik(2), "B", "12/03/1985", "L", "", "", "35.25.11.2002"],                # 3 by dotted code
        [nik(3), "C", "12/03/1985", "L", "Kandangan", "", ""],                    # 4 two Kandangan in Gresik
        [nik(4), "D", "12/03/1985", "L", "Kandangan", "CERME", ""],               # 5 the one in Cerme
        [nik(5), "E", "12/03/1985", "L", "Atlantis", "Cerme", ""],                # 6 no such village
        [nik(6), "F", "12/03/1985", "L", "Dadapkuning", "Atlantis", ""],          # 7 no such district
        [nik(7), "G", "12/03/1985", "L", "", "", "3525119999"],                   # 8 not a village code
        [nik(8), "H", "12/03/1985", "L", "IKER IKER GEGER", "Cerme", ""],         # 9 punctuation differs
    ], delimiter=";")
    job = run_import(access, path)
    assert issues(job) == [(4, "Desa/Kelurahan", "village_ambiguous"), (6, "Desa/Kelurahan", "village_not_found"),
                           (7, "Desa/Kelurahan", "district_not_found"), (8, "Kode Desa", "village_unknown")]
    villages = dict(Worker.objects.values_list("nik", "village_id"))
    assert villages == {nik(1): DADAPKUNING, nik(2): LENGKONG, nik(4): "3525112003", nik(8): "3525112017"}
    assert "3525112003" in job.issues.get(row=4).message


def test_rows_outside_the_uploaders_region_are_rejected(tmp_path, dadapkuning_operator):
    path = write_csv(tmp_path / "a.csv", [HEADER, row(nik(1)), row(nik(2), village=LENGKONG)])
    job = run_import(Access(dadapkuning_operator), path)
    assert issues(job) == [(3, "Kode Desa", "outside_scope")]
    assert list(Worker.objects.values_list("nik", flat=True)) == [nik(1)]
    assert Worker.objects.get().registered_by == dadapkuning_operator


def test_age_window_and_minimum_income_per_segment(tmp_path, national):
    path = write_csv(tmp_path / "a.csv", [HEADER,
        row(nik(1, birth=dt.date(1940, 1, 5)), born="05/01/1940"),             # 2 too old
        row(nik(2, birth=dt.date(2015, 1, 5)), born="05/01/2015"),             # 3 too young
        row(nik(3), income="500.000"),                                          # 4 below Rp1,000,000 for BPU
        row(nik(4), income="Rp 1.500.000,00"),                                  # 5 fine
        row(nik(5), income="satu juta"),                                        # 6 not an amount
        row(nik(6), segment="nelayan"),                                         # 7 unknown segment
        row(nik(7), sex="X"),                                                   # 8 unknown sex
        row(nik(8), name=""),                                                   # 9 no name
    ])
    job = run_import(national, path)
    assert issues(job) == [(2, "Tanggal Lahir", "age_window"), (3, "Tanggal Lahir", "age_window"),
                           (4, "Penghasilan", "income_below_minimum"), (6, "Penghasilan", "income_format"),
                           (7, "Segmen", "segment"), (8, "L/P", "sex"), (9, "Nama", "name_required")]
    assert Worker.objects.get().declared_income == 1_500_000


def test_duplicates_inside_the_file_keep_the_first_row(tmp_path, national):
    path = write_csv(tmp_path / "a.csv", [HEADER, row(nik(1)), row(nik(2)), row(nik(1), name="Budi lagi")])
    job = run_import(national, path)
    assert issues(job) == [(4, "NIK", "duplicate_in_file")]
    assert "2" in job.issues.get(row=4).message
    assert Worker.objects.get(nik=nik(1)).name == "Budi Santoso"


def test_registered_workers_are_skipped_or_updated_as_the_operator_chooses(tmp_path, national):
    create_worker(DADAPKUNING, serial=1, name="Budi Lama")
    path = write_csv(tmp_path / "a.csv", [HEADER, row(nik(1), name="Budi Baru", income="2.000.000"), row(nik(2))])
    skipped = run_import(national, path)
    assert issues(skipped, "notice") == [(2, "NIK", "already_registered")]
    assert skipped.counts["skipped"] == 1 and skipped.counts["created"] == 1
    assert Worker.objects.get(nik=nik(1)).name == "Budi Lama"

    updated = run_import(national, path, update_existing=True)
    assert updated.counts["updated"] == 1 and updated.counts["unchanged"] == 1 and updated.counts["created"] == 0
    worker = Worker.objects.get(nik=nik(1))
    assert (worker.name, worker.name_key, worker.declared_income) == ("Budi Baru", "BUDI BARU", 2_000_000)
    from lindung.audit.models import AuditEntry

    entry = AuditEntry.objects.get(target_type="people.worker", target_id=str(worker.pk), action="update")
    assert entry.changes == {"name": ["Budi Lama", "Budi Baru"], "declared_income": [1_000_000, 2_000_000]}


def test_updating_a_worker_registered_outside_ones_scope_is_refused(tmp_path, dadapkuning_operator):
    create_worker(LENGKONG, serial=1, name="Budi")
    path = write_csv(tmp_path / "a.csv", [HEADER, row(nik(1), name="Budi Pindah")])
    job = run_import(Access(dadapkuning_operator), path, update_existing=True)
    assert issues(job) == [(2, "NIK", "cannot_register")]
    assert Worker.objects.get().village_id == LENGKONG


def test_a_dry_run_discloses_nothing_registered_outside_the_uploaders_regions(tmp_path, dadapkuning_operator):
    """Finding: the dry run told a village operator that a NIK was registered elsewhere and named the
    registered worker who may be the same person. Neither may leave the operator's scope."""
    create_worker(LENGKONG, serial=1, name="Budi Tetangga")
    create_worker(LENGKONG, serial=2, name="Siti Aminah", sex="F")
    path = write_csv(tmp_path / "a.csv", [HEADER,
        row(nik(1), name="Budi Tetangga"),                                  # 2 registered in Lengkong
        row(nik(3, "F"), name="Siti Aminah", sex="P"),                      # 3 same name and birth date as nik 2
    ])
    job = run_import(Access(dadapkuning_operator), path, dry_run=True)
    assert issues(job) == [(2, "NIK", "cannot_register")]
    assert issues(job, "notice") == []
    assert issues(job, "review") == [(3, "Nama", "possible_duplicate")]
    report = " ".join(job.issues.values_list("message", flat=True))
    assert nik(2, "F")[-4:] not in report and "registered worker" not in report
    assert "already registered" not in report.lower()


def test_dry_runs_naming_workers_registered_elsewhere_are_audited_and_limited(settings, tmp_path,
                                                                              dadapkuning_operator):
    """Finding 5: a dry run of NIK guesses answered "cannot register" for every NIK registered outside the
    operator's regions — an existence oracle in bulk. Such rows are audited on the registered workers'
    trails and, past ``LINDUNG_IMPORT_REFUSALS_PER_HOUR`` of them an hour, the import stops reporting."""
    from lindung.audit.services import trail

    settings.LINDUNG_IMPORT_REFUSALS_PER_HOUR = 3
    budi = create_worker(LENGKONG, serial=1, name="Budi Tetangga")
    siti = create_worker(LENGKONG, serial=2, name="Siti Aminah", sex="F")
    guesses = write_csv(tmp_path / "a.csv", [HEADER,
        row(nik(1), name="Tebakan"),                                        # registered in Lengkong
        row(nik(3, "F"), name="Siti Aminah", sex="P"),                      # Siti's twin (name + birth date)
        row(nik(4), name="Orang Baru"),                                     # nobody
    ])
    operator = Access(dadapkuning_operator)
    first = run_import(operator, guesses, dry_run=True)
    assert first.status == "done" and issues(first) == [(2, "NIK", "cannot_register")]
    for worker in (budi, siti):
        entry = trail(worker).get(target_type="import.refused")
        assert entry.actor == dadapkuning_operator
    # two of three probes used: the same file again (two more) is over the limit and reports nothing
    second = run_import(operator, guesses, dry_run=True)
    assert second.status == "failed" and "tidak ada yang dilaporkan" in second.error.lower()
    assert not second.issues.exists()
    assert trail(budi).filter(target_type="import.refused").count() == 1


def test_possible_duplicates_with_another_nik_are_saved_and_flagged(tmp_path, national):
    create_worker(DADAPKUNING, serial=1, name="Siti Aminah", sex="F")
    path = write_csv(tmp_path / "a.csv", [HEADER,
        row(nik(2, "F"), name="SITI  AMINAH", sex="P", village=LENGKONG),   # same regency, name, birth date
        row(nik(3), name="Joko", village=LENGKONG),
        row(nik(4), name="joko", village=DADAPKUNING),                      # same as row 3 inside the file
        row(nik(5), name="Joko", village="1501012001"),                     # another regency: not a twin
    ])
    job = run_import(national, path)
    assert issues(job) == []
    assert issues(job, "review") == [(2, "Nama", "possible_duplicate"), (4, "Nama", "possible_duplicate_in_file")]
    assert job.counts["flagged"] == 2 and job.counts["created"] == 4
    assert Worker.objects.get(nik=nik(2, "F")).nik_flags == ["possible_duplicate"]
    assert "3525••••••••0001" in job.issues.get(row=2).message


def test_workers_already_paid_for_by_another_funder_are_rejected(tmp_path, national, csr_funder):
    from lindung.funding.models import ReservedMonth, Funder, Sponsorship

    other = Funder.objects.create(kind="regency", name="Pemkab Gresik", region_id="3525")
    paid = create_worker(DADAPKUNING, serial=1)
    free = create_worker(DADAPKUNING, serial=2)
    sponsorship = Sponsorship.objects.create(funder=other, worker=paid, programs="jkk,jkm", funding_source="apbd-regency",
                                             start_month=dt.date(2027, 1, 1), months=12, state="active")
    ReservedMonth.objects.create(sponsorship=sponsorship, worker=paid, program="jkk", month=dt.date(2027, 3, 1),
                                funder=other, funding_source="apbd-regency")
    path = write_csv(tmp_path / "a.csv", [HEADER, row(paid.nik), row(free.nik), row(nik(3))])
    job = run_import(national, path, funder_id=csr_funder.pk, programs=["jkk", "jkm"], start_month=dt.date(2027, 1, 1),
                     months=6, funding_source="csr")
    assert issues(job) == [(2, "NIK", "already_covered")]
    # who pays, for which months, and that the rest goes ahead (issue 11, item 8)
    message = job.issues.get(row=2).message
    assert "Pemkab Gresik" in message and "2027-01 – 2027-06" in message and "tanpa baris ini" in message
    proposed = set(Sponsorship.objects.filter(funder=csr_funder).values_list("worker__nik", flat=True))
    assert proposed == {free.nik, nik(3)}
    assert job.counts["sponsorships"] == 2


def test_rows_read_with_birth_date_and_sex_taken_from_the_nik_when_the_list_has_none(tmp_path, national):
    path = write_csv(tmp_path / "a.csv", [["No", "NIK KTP", "Nama Lengkap"], [1, nik(1, "F"), "Sri"], [2, nik(2), "Eko"]])
    job = run_import(national, path, village_code=DADAPKUNING)
    assert issues(job) == []
    sri = Worker.objects.get(nik=nik(1, "F"))
    assert (sri.birth_date, sri.sex, sri.village_id, sri.declared_income) == (B85, "F", DADAPKUNING, 1_000_000)
