"""Daily reminders: self-payers due within 5 days or unpaid after the due date (BPU: the 15th, next working
day — RULES.md §3), sponsorships ending within 30 days; per agent and village; console and e-mail senders."""

import datetime as dt
import io

import pytest

from lindung.accounts.access import Access
from lindung.billing.models import Invoice
from lindung.billing.payments import record_payment
from lindung.billing.runs import bill
from lindung.reminders.senders import ConsoleSender, EmailSender, get_sender
from lindung.reminders.services import grouped, reminders, send_daily

from .billing_support import funder, month, sponsor
from .conftest import DADAPKUNING, LENGKONG, create_worker

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(cerme_agent, dadapkuning_operator):
    late = create_worker(DADAPKUNING, serial=1, name="Ani Telat", registered_by=cerme_agent)
    soon = create_worker(DADAPKUNING, serial=2, name="Budi Segera", registered_by=cerme_agent)
    paid = create_worker(LENGKONG, serial=3, name="Citra Lunas", registered_by=cerme_agent)
    sponsored = create_worker(LENGKONG, serial=4, name="Dedi Disponsori")
    for worker, start in ((late, "2026-09"), (soon, "2026-10"), (paid, "2026-10")):
        payer = funder("self", f"{worker.name} (mandiri)", worker.village_id, worker=worker, agent=cerme_agent)
        sponsor(payer, [worker], start=month(start), months=12)
    company = funder("company", "PT Sinar", "3525")
    sponsor(company, [sponsored], start=month("2026-08"), months=3)  # cover ends 31 October 2026
    for m in ("2026-08", "2026-09", "2026-10"):
        bill(Access.console(), month(m))
    paid_invoice = Invoice.objects.get(funder__worker=paid, month=month("2026-10"))
    record_payment(paid_invoice, amount=paid_invoice.total, reference="LUNAS", paid_on=dt.date(2026, 10, 5))
    return {"late": late, "soon": soon, "paid": paid, "sponsored": sponsored}


def test_due_soon_overdue_and_ending_on_a_day(world, gresik_branch_officer):
    # 12 October 2026: October's due date is Thursday 15 October (within 5 days); September's
    # (15 September) has passed unpaid; the CSR sponsorship ends on 31 October (within 30 days).
    # Citra paid October. Self-paid BPU outside transport: Rp8,400 (PP 50/2025).
    items = reminders(Access(gresik_branch_officer), dt.date(2026, 10, 12))
    found = {(r.kind, r.worker, r.day, r.amount) for r in items}
    assert found == {("overdue", "Ani Telat", dt.date(2026, 9, 15), 8_400),
                     ("due_soon", "Ani Telat", dt.date(2026, 10, 15), 8_400),
                     ("due_soon", "Budi Segera", dt.date(2026, 10, 15), 8_400),
                     ("ending", "Dedi Disponsori", dt.date(2026, 10, 31), 0)}
    # 9 October: October is not yet within 5 days of its due date.
    assert "Budi Segera" not in {r.worker for r in reminders(Access(gresik_branch_officer), dt.date(2026, 10, 9))}


def test_grouped_per_agent_and_village_and_scoped(world, cerme_agent, dadapkuning_operator):
    day = dt.date(2026, 10, 12)
    groups = grouped(reminders(Access(cerme_agent), day))
    assert {r.worker for r in groups["agents"]["agen.cerme"]} == {"Ani Telat", "Budi Segera"}
    village = reminders(Access(dadapkuning_operator), day)
    assert {r.worker for r in village} == {"Ani Telat", "Budi Segera"}  # Lengkong's sponsorship is not theirs


def test_senders_console_and_email(world, national_admin, cerme_agent, dadapkuning_operator, mailoutbox):
    stream = io.StringIO()
    sent = send_daily(Access(national_admin), ConsoleSender(stream), dt.date(2026, 10, 12))
    assert sent == 2 and "== agen.cerme" in stream.getvalue() and "== desa.dadapkuning" in stream.getvalue()
    assert "Rp8.400" in stream.getvalue()
    type(cerme_agent).objects.filter(pk=cerme_agent.pk).update(email="agen@example.org")
    send_daily(Access(national_admin), EmailSender(), dt.date(2026, 10, 12))
    assert [m.to for m in mailoutbox] == [["agen@example.org"]]
    assert isinstance(get_sender("console"), ConsoleSender)


def test_page_export_api_and_command(world, client, gresik_branch_officer):
    import json

    from click.testing import CliRunner

    from lindung.cli import main

    client.force_login(gresik_branch_officer)
    page = client.get("/reminders/", {"date": "2026-10-12"}).content.decode()
    assert 'id="reminder-count">4<' in page and "Ani Telat" in page
    export = client.get("/reminders/", {"date": "2026-10-12", "format": "csv"})
    assert "Dedi Disponsori" in b"".join(export.streaming_content).decode("utf-8-sig")
    assert len(client.get("/api/v1/reminders", {"date": "2026-10-12"}).json()) == 4
    r = CliRunner().invoke(main, ["--lang", "en", "reminders", "--date", "2026-10-12", "--as", "cabang.gresik",
                                  "--json"])
    assert {x["kind"] for x in json.loads(r.output)} == {"overdue", "due_soon", "ending"}, r.output
    r = CliRunner().invoke(main, ["--lang", "en", "reminders", "--date", "2026-10-12", "--send"])
    assert r.exit_code == 0 and "reminder messages sent" in r.output


def test_the_windows_are_effective_dated_rule_data(world, gresik_branch_officer, national_admin):
    from lindung.rules.changes import add_rule
    from lindung.rules.models import Parameter
    from lindung.reminders.services import kind_label

    branch = Access(gresik_branch_officer)
    # Shipped: 5 days. On 9 October Budi's due date (15 October) is 6 days away: not yet listed.
    assert "Budi Segera" not in {r.worker for r in reminders(branch, dt.date(2026, 10, 9))}
    assert kind_label("due_soon", dt.date(2026, 10, 9)) == "jatuh tempo dalam 5 hari"
    # A rule from 1 October 2026 looks 7 days ahead, and 10 days before a sponsorship ends.
    add_rule(national_admin, Parameter(key="reminders", value={"due_soon_days": 7, "ending_days": 10},
                                       valid_from=dt.date(2026, 10, 1), reference="example"))
    on_ninth = {(r.kind, r.worker) for r in reminders(branch, dt.date(2026, 10, 9))}
    assert ("due_soon", "Budi Segera") in on_ninth
    # Dedi's cover ends 31 October: 22 days away on the 9th, outside 10 days; inside on the 21st.
    assert ("ending", "Dedi Disponsori") not in on_ninth
    assert ("ending", "Dedi Disponsori") in {(r.kind, r.worker) for r in reminders(branch, dt.date(2026, 10, 21))}
    assert kind_label("due_soon", dt.date(2026, 10, 9)) == "jatuh tempo dalam 7 hari"
    # September is still read under the shipped rule.
    assert kind_label("ending", dt.date(2026, 9, 30)) == "sponsor berakhir dalam 30 hari"
