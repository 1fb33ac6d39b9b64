"""The same messy list gives the same report whatever the file: XLSX, XLS, ODS, CSV with ; , or tab,
UTF-8 with a BOM or Windows-1252, Indonesian headers spelled in different ways, title rows above the
header."""

import datetime as dt

import pytest

from lindung.accounts.access import Access
from lindung.imports.columns import guess_mapping
from lindung.imports.pipeline import Options
from lindung.imports.readers import detect_delimiter, detect_encoding, open_table
from lindung.imports.services import create_job, queue_job, run_job
from lindung.people.models import Worker

from .conftest import DADAPKUNING, make_nik
from .imports_support import issues, write_table

B85 = dt.date(1985, 3, 12)


def nik(serial, sex="M"):
    return make_nik("352511", B85, sex, serial)


def messy_rows(header):
    return [
        ["DAFTAR PEKERJA RENTAN DESA DADAPKUNING TAHUN 2026", None, None, None, None, None, None],
        [None] * 7,
        header,
        [nik(1), "Slamet Riyadi", B85, "L", "Dadapkuning", "Cerme", "Petani"],          # 4 fine
        [nik(2, "F"), "Siti Ñurhayati", "12/03/1985", "P", "Dadapkuning", "Cerme", "Pedagang"],  # 5 fine (Ñ)
        ["3.52511E+15", "Joko", "1985-03-12", "L", "Dadapkuning", "Cerme", "Buruh"],    # 6 scientific
        [nik(4), "Agus", "31/02/1985", "L", "Dadapkuning", "Cerme", "Nelayan"],         # 7 impossible date
        [nik(5), "Dewi", "12/03/1985", "P", "Atlantis", "Cerme", "Petani"],             # 8 unknown village
        [nik(1), "Slamet R.", "12/03/1985", "L", "Dadapkuning", "Cerme", "Petani"],     # 9 duplicate of row 4
        [None] * 7,                                                                       # blank: ignored
    ]


HEADERS = {
    "plain": ["NIK", "Nama", "Tanggal Lahir", "Jenis Kelamin", "Desa/Kelurahan", "Kecamatan", "Pekerjaan"],
    "abbreviated": ["No. KTP", "Nama Lengkap", "Tgl. Lahir", "L/P", "Desa", "Kec.", "Jenis Pekerjaan"],
    "shouting": ["NOMOR NIK", "NAMA PESERTA", "TGL LAHIR", "JK", "KELURAHAN", "NAMA KECAMATAN", "PEKERJAAN"],
}


def check(job, header):
    assert issues(job) == [(6, header[0], "spreadsheet_scientific"), (7, header[2], "date_impossible"),
                           (8, header[4], "village_not_found"), (9, header[0], "duplicate_in_file")]
    assert job.counts["rows"] == 6 and job.counts["created"] == 2 and job.counts["rejected"] == 4
    assert job.header_row == 3
    siti = Worker.objects.get(nik=nik(2, "F"))
    assert (siti.name, siti.sex, siti.birth_date, siti.village_id) == ("Siti Ñurhayati", "F", B85, DADAPKUNING)


def run(path):
    access = Access.console()
    job = create_job(access, path, options=Options())
    queue_job(access, job)
    return run_job(job, access=access)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.mark.parametrize("fmt", ["xlsx", "xls", "ods"])
@pytest.mark.parametrize("spelling", sorted(HEADERS))
def test_spreadsheets_with_title_rows_and_header_spellings(db, tmp_path, fmt, spelling):
    header = HEADERS[spelling]
    job = run(write_table(tmp_path, fmt, messy_rows(header)))
    assert job.file_format == fmt
    check(job, header)


@pytest.mark.parametrize("delimiter,encoding", [(";", "utf-8-sig"), (",", "cp1252"), ("\t", "utf-8"),
                                                (";", "cp1252"), ("|", "utf-8")])
def test_csv_with_any_common_delimiter_and_encoding(db, tmp_path, delimiter, encoding):
    header = HEADERS["abbreviated"]
    path = write_table(tmp_path, "csv", messy_rows(header), delimiter=delimiter, encoding=encoding)
    table = open_table(path)
    assert (table.delimiter, table.encoding) == (delimiter, encoding if encoding != "utf-8" else "utf-8")
    check(run(path), header)


def test_a_comma_inside_a_quoted_name_does_not_fool_the_delimiter_guess(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text('NIK;Nama;Kode Desa\n3525111203850001;"Siti, S.Pd";3525112001\n'
                    '3525111203850002;"Budi, S.E.";3525112001\n', encoding="utf-8")
    assert detect_delimiter(path, detect_encoding(path)) == ";"


def test_headers_are_recognised_in_their_usual_indonesian_spellings():
    mapping = guess_mapping(["No", "NIK", "Nama Lengkap", "Tempat Lahir", "Tgl. Lahir", "L/P", "Kode Desa",
                             "Desa/Kelurahan", "Kecamatan", "Pekerjaan", "Penghasilan (Rp)", "No. HP", "Segmen",
                             "Kode Kecamatan"])
    assert mapping == {"1": "nik", "2": "name", "3": "birth_place", "4": "birth_date", "5": "sex",
                       "6": "village_code", "7": "village_name", "8": "district_name", "9": "occupation",
                       "10": "declared_income", "11": "phone", "12": "segment", "13": "district_code"}


def test_a_mapping_fixed_by_the_operator_is_remembered_for_the_next_file_from_the_same_village(
        tmp_path, dadapkuning_operator):
    access = Access(dadapkuning_operator)
    rows = [["Identitas", "Siapa", "Kapan"], [nik(1), "Budi", "12/03/1985"]]
    first = create_job(access, write_table(tmp_path, "csv", rows, name="satu"))
    assert first.mapping == {}
    queue_job(access, first, {"0": "nik", "1": "name", "2": "birth_date"})
    second = create_job(access, write_table(tmp_path, "csv", rows, name="dua"))
    assert second.mapping == {"0": "nik", "1": "name", "2": "birth_date"}
    other_place = create_job(Access.console(), write_table(tmp_path, "csv", rows, name="tiga"))
    assert other_place.mapping == {}


def test_phone_numbers_and_incomes_typed_as_numbers(db, tmp_path):
    rows = [["NIK", "Nama", "No HP", "Penghasilan", "Kode Desa"],
            [nik(1), "Budi", 81234567890.0, 1500000.0, "3525112001"],
            [nik(2), "Eko", "0812-3456-7891", "Rp1.250.000", "3525112001"]]
    job = run(write_table(tmp_path, "xlsx", rows))
    assert issues(job) == []
    assert dict(Worker.objects.values_list("phone", "declared_income")) == {"081234567890": 1_500_000,
                                                                           "081234567891": 1_250_000}
