"""Indonesian numbers everywhere (issue 11, item 4): one formatter for display, one parser for entry.

Expected texts are written the way an Indonesian reader writes them (thousands with a dot, decimals with
a comma: Rp1.500.000, 3,94 %), never copied from the code.
"""

import pytest
from click.testing import CliRunner
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from lindung.billing.forms import PaymentForm
from lindung.cli import main
from lindung.coverage.charts import column_chart
from lindung.formatting import number, parse_rupiah, percent, rupiah
from lindung.funding.forms import BudgetForm
from lindung.people.models import Worker

from .conftest import DADAPKUNING, worker_data


@pytest.mark.parametrize("lang, expected", [
    ("id", ["25.848", "Rp804.542.400", "Rp6.800", "0,24 %", "3,94 %", "39,40 %", "-Rp16.800"]),
    ("en", ["25,848", "Rp804,542,400", "Rp6,800", "0.24 %", "3.94 %", "39.40 %", "-Rp16,800"]),
])
def test_numbers_are_written_in_the_users_language(lang, expected):
    with translation.override(lang):
        assert [number(25848), rupiah(804_542_400), rupiah(6800), percent(0.24), percent(3.9412),
                percent(39.4), rupiah(-16800)] == expected


def test_a_rate_keeps_its_own_digits_and_nothing_is_shown_as_a_dash():
    with translation.override("id"):
        assert percent("0.24", None) == "0,24 %" and percent(10, None) == "10 %"
        assert number(None) == rupiah(None) == percent(None) == "–"


@pytest.mark.parametrize("text", ["1500000", "1.500.000", "Rp 1.500.000", "Rp1.500.000", "Rp 1.500.000,00",
                                  "Rp. 1.500.000,-", "1,500,000", " 1 500 000 "])
def test_money_is_read_as_people_write_it(text):
    assert parse_rupiah(text) == 1_500_000


@pytest.mark.parametrize("text", ["1.500.000,50", "satu juta", "1.5000.000", ""])
def test_money_that_is_not_whole_rupiah_is_refused(text):
    with pytest.raises(ValueError):
        parse_rupiah(text)


def test_money_fields_accept_indonesian_amounts_and_show_them_back_the_same_way():
    form = PaymentForm({"amount": "Rp 1.500.000", "reference": "TRF-1", "paid_on": "2026-12-01",
                        "channel": "transfer"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["amount"] == 1_500_000
    budget = BudgetForm({"fiscal_year": 2026, "source": "csr", "amount": "1.500.000"})
    assert budget.is_valid(), budget.errors and budget.cleaned_data["amount"] == 1_500_000
    assert 'value="1.500.000"' in str(BudgetForm(initial={"amount": 1_500_000})["amount"])
    bad = PaymentForm({"amount": "1.500,50", "reference": "x", "paid_on": "2026-12-01", "channel": "transfer"})
    assert not bad.is_valid() and "rupiah" in bad.errors["amount"][0]


def test_templates_have_one_set_of_filters():
    html = Template("{{ n|number }} · {{ a|rupiah }} · {{ p|percent }}").render(
        Context({"n": 628952, "a": 1_500_000, "p": 0.0}))
    assert html == "628.952 · Rp1.500.000 · 0,00 %"


def test_chart_labels_write_percentages_the_indonesian_way():
    chart = column_chart([{"month": "2022-12", "active": 24778, "coverage_pct": 3.94}])
    assert chart["bars"][0].note == "3,94 %"


@pytest.mark.django_db
def test_worker_count_on_the_list_is_grouped(client, national_admin):
    Worker.objects.bulk_create([_worker(serial) for serial in range(1, 1235)])
    client.force_login(national_admin)
    page = client.get(reverse("workers")).content.decode()
    assert "1.234 pekerja ditemukan" in page


def _worker(serial):
    data = worker_data(DADAPKUNING, serial=serial)
    data["village_id"] = data.pop("village_code")
    worker = Worker(**data)
    worker.fill_derived()
    return worker


@pytest.mark.django_db
def test_cli_writes_counts_and_percentages_the_indonesian_way():
    from lindung.regions.models import WorkingPopulation

    WorkingPopulation.objects.create(region_id="3525", year=2022, count=628_952)
    result = CliRunner().invoke(main, ["coverage", "--region", "3525", "--month", "2022-12"])
    assert result.exit_code == 0, result.output
    assert "628.952" in result.output and "0,00 %" in result.output
    plan = CliRunner().invoke(main, ["plan", "--budget", "15620000000", "--programs", "jkk,jkm", "--income",
                                     "1000000", "--funding", "apbd-province", "--start", "2023-01", "--months", "12"])
    assert plan.exit_code == 0, plan.output
    # Jambi: 77,480 workers at Rp201,600 each, Rp32,000 left (RULES.md; tests/test_rules_planner.py)
    assert "77.480" in plan.output and "Rp201.600" in plan.output and "Rp32.000" in plan.output


def test_no_second_formatter_in_the_code():
    """Numbers are written in one place: no humanize filters, no Python thousands format, no copy of
    the rupiah rule elsewhere (a new page or command uses lindung.formatting)."""
    import re
    from pathlib import Path

    package = Path(__file__).resolve().parent.parent / "lindung"
    offenders = []
    for path in package.rglob("*"):
        if path.suffix not in (".py", ".html") or "migrations" in path.parts or path.name == "formatting.py":
            continue
        text = path.read_text(encoding="utf-8")
        for pattern in (r"\|intcomma", r"load [^%]*humanize", r"\|floatformat", r":[<>^]?\d*,\}", r":[<>^]?\d*,\.\d+f\}",
                        r'\.replace\(",", "\."\)'):
            if re.search(pattern, text):
                offenders.append(f"{path.relative_to(package)}: {pattern}")
    assert not offenders, offenders
