"""The Perisai agent lifecycle (RULES.md §8): commission statement, inactive agents, acquisitions.

Figures from RULES.md: commission 7.5 % of what the agent collects, 10 % of that to the wadah — on
Rp16,800: Rp1,260, of which Rp126 to the wadah and Rp1,134 to the agent; an agent with no new member in
3 months is dropped; a new member counts as acquired after 6 months of contributions.
"""

import datetime as dt

import pytest
from django.utils import timezone

from lindung.accounts.access import Access
from lindung.agents.services import acquisition, activity, commission_statement, reassign, workers_to_reassign
from lindung.billing.models import Invoice
from lindung.billing.payments import collect, record_payment
from lindung.billing.runs import bill
from lindung.funding.models import Funder
from lindung.people.models import Worker
from lindung.rules.changes import add_rule
from lindung.rules.models import Parameter

from .billing_support import funder, month, sponsor
from .conftest import DADAPKUNING, LENGKONG, create_worker, make_user

pytestmark = pytest.mark.django_db


def registered_on(worker, day: dt.date):
    Worker.objects.filter(pk=worker.pk).update(
        created_at=timezone.make_aware(dt.datetime.combine(day, dt.time(10, 0))))


def joined_on(user, day: dt.date):
    type(user).objects.filter(pk=user.pk).update(
        date_joined=timezone.make_aware(dt.datetime.combine(day, dt.time(8, 0))))


@pytest.fixture
def second_agent(db):
    return make_user("agen.cerme2", "agent", ["352511"])


def self_payer(worker, agent, wadah):
    return funder("self", f"{worker.name} (mandiri)", worker.village_id, worker=worker, agent=agent, wadah=wadah)


def test_the_monthly_commission_statement_per_agent_and_wadah(cerme_agent, second_agent, gresik_branch_officer):
    # Two agents of one wadah collect 2022 contributions at Rp16,800 (no relief in 2022).
    payers = []
    for serial, agent in ((1, cerme_agent), (2, cerme_agent), (3, second_agent)):
        worker = create_worker(DADAPKUNING, serial=serial, registered_by=agent)
        payers.append((self_payer(worker, agent, "Wadah Perisai Cerme"), worker, agent))
    for payer, worker, _agent in payers:
        sponsor(payer, [worker], start=month("2022-03"), months=2)
    bill(Access.console(), month("2022-03"))
    bill(Access.console(), month("2022-04"))
    for payer, _worker, agent in payers:
        for m, day in (("2022-03", dt.date(2022, 3, 10)), ("2022-04", dt.date(2022, 4, 8))):
            invoice = Invoice.objects.get(funder=payer, month=month(m))
            collect(Access(agent), invoice, amount=16_800, reference=f"KW-{payer.pk}-{m}", paid_on=day)
    statement = commission_statement(Access(gresik_branch_officer), dt.date(2022, 3, 1))
    by_agent = {a["agent"]: a for a in statement["agents"]}
    assert (by_agent["agen.cerme"]["collections"], by_agent["agen.cerme"]["collected"]) == (2, 33_600)
    assert (by_agent["agen.cerme"]["commission"], by_agent["agen.cerme"]["wadah_share"],
            by_agent["agen.cerme"]["agent_share"]) == (2_520, 252, 2_268)
    assert (by_agent["agen.cerme2"]["commission"], by_agent["agen.cerme2"]["wadah_share"]) == (1_260, 126)
    [wadah] = statement["wadahs"]
    assert (wadah["wadah"], wadah["agents"], wadah["collected"], wadah["wadah_share"]) == (
        "Wadah Perisai Cerme", 2, 50_400, 378)
    # An agent sees its own line only.
    own = commission_statement(Access(second_agent), dt.date(2022, 3, 1))
    assert [a["agent"] for a in own["agents"]] == ["agen.cerme2"]


def test_an_agent_without_a_new_member_for_three_months_is_inactive_and_its_workers_listed(
        cerme_agent, second_agent, gresik_branch_officer):
    joined_on(cerme_agent, dt.date(2026, 1, 5))
    joined_on(second_agent, dt.date(2026, 1, 5))
    first = create_worker(DADAPKUNING, serial=1, registered_by=cerme_agent, name="Ani")
    last = create_worker(LENGKONG, serial=2, registered_by=cerme_agent, name="Budi")
    registered_on(first, dt.date(2026, 5, 2))
    registered_on(last, dt.date(2026, 7, 10))
    registered_on(create_worker(DADAPKUNING, serial=3, registered_by=second_agent), dt.date(2026, 9, 1))
    branch = Access(gresik_branch_officer)

    def state(on):
        return {a.agent.username: (a.active, a.inactive_since) for a in activity(branch, on)}

    assert state(dt.date(2026, 10, 9))["agen.cerme"] == (True, None)
    assert state(dt.date(2026, 10, 10)) == {"agen.cerme": (False, dt.date(2026, 10, 10)),
                                            "agen.cerme2": (True, None)}
    assert [w.name for w in workers_to_reassign(branch, cerme_agent)] == ["Ani", "Budi"]

    # The rule is effective-dated data: from November 2026 an agent has six months.
    admin = make_user("admin", "national_admin")
    add_rule(admin, Parameter(key="agent_activity", value={"inactive_after_months": 6, "acquired_after_months": 6},
                              valid_from=dt.date(2026, 11, 1), reference="example"))
    assert state(dt.date(2026, 10, 31))["agen.cerme"][0] is False
    assert state(dt.date(2026, 11, 2))["agen.cerme"] == (True, None)


def test_an_agent_who_never_registered_anyone_counts_from_the_day_it_joined(cerme_agent, gresik_branch_officer):
    joined_on(cerme_agent, dt.date(2026, 2, 1))
    [row] = activity(Access(gresik_branch_officer), dt.date(2026, 5, 1))
    assert (row.active, row.inactive_since, row.workers) == (False, dt.date(2026, 5, 1), 0)


def test_reassigning_moves_the_workers_and_the_collection_of_self_payers(cerme_agent, second_agent,
                                                                         gresik_branch_officer):
    worker = create_worker(DADAPKUNING, serial=1, registered_by=cerme_agent)
    payer = self_payer(worker, cerme_agent, "Wadah Perisai Cerme")
    with pytest.raises(Exception):
        reassign(Access(second_agent), cerme_agent, second_agent)  # agents do not reassign
    assert reassign(Access(gresik_branch_officer), cerme_agent, second_agent) == 1
    assert Worker.objects.get(pk=worker.pk).registered_by == second_agent
    assert Funder.objects.get(pk=payer.pk).agent == second_agent


def test_acquisitions_per_agent_match_a_hand_count(cerme_agent, second_agent, gresik_branch_officer):
    """Workers with 0, 3, 5, 6 and 9 paid months for agen.cerme; 6 and 7 for agen.cerme2.
    Counted by hand: agen.cerme 5 registered, 2 acquired; agen.cerme2 2 registered, 2 acquired."""
    regency = funder("regency", "Pemerintah Kabupaten Gresik", "3525")
    plan = {cerme_agent: [0, 3, 5, 6, 9], second_agent: [6, 7]}
    serial = 0
    for agent, paid_months in plan.items():
        for count in paid_months:
            serial += 1
            worker = create_worker(DADAPKUNING, serial=serial, registered_by=agent)
            if count:
                sponsor(regency, [worker], start=month("2025-01"), months=count)
    for m in range(1, 10):
        bill(Access.console(), dt.date(2025, m, 1))
        for invoice in Invoice.objects.filter(month=dt.date(2025, m, 1)):
            record_payment(invoice, amount=invoice.total, reference=f"P-{invoice.pk}", paid_on=dt.date(2025, m, 10))
    rows = {r["agent"]: (r["registered"], r["acquired"], r["not_yet"])
            for r in acquisition(Access(gresik_branch_officer), dt.date(2026, 1, 1))}
    assert rows == {"agen.cerme": (5, 2, 3), "agen.cerme2": (2, 2, 0)}
    # The six months are rule data: under a rule of five months from December 2025, the worker with 5 paid
    # months counts too (agen.cerme 3 acquired); the day before it, the old rule still applies.
    add_rule(make_user("admin", "national_admin"),
             Parameter(key="agent_activity", value={"inactive_after_months": 3, "acquired_after_months": 5},
                       valid_from=dt.date(2025, 12, 1), reference="example"))
    on = {day: {r["agent"]: r["acquired"] for r in acquisition(Access(gresik_branch_officer), day)}
          for day in (dt.date(2025, 11, 30), dt.date(2026, 1, 1))}
    assert on == {dt.date(2025, 11, 30): {"agen.cerme": 2, "agen.cerme2": 2},
                  dt.date(2026, 1, 1): {"agen.cerme": 3, "agen.cerme2": 2}}


def test_pages_command_line_and_exports(client, cerme_agent, second_agent, gresik_branch_officer):
    import json

    from click.testing import CliRunner

    from lindung.cli import main

    worker = create_worker(DADAPKUNING, serial=1, registered_by=cerme_agent, name="Siti Perisai")
    payer = self_payer(worker, cerme_agent, "Wadah Perisai Cerme")
    sponsor(payer, [worker], start=month("2022-03"), months=1)
    bill(Access.console(), month("2022-03"))
    collect(Access(cerme_agent), Invoice.objects.get(funder=payer), amount=16_800, reference="KW-1",
            paid_on=dt.date(2022, 3, 10))
    client.force_login(gresik_branch_officer)
    page = client.get("/agents/commissions/", {"month": "2022-03"}).content.decode()
    assert "1.260" in page and "126" in page and "Wadah Perisai Cerme" in page
    export = client.get("/agents/commissions/", {"month": "2022-03", "format": "csv"})
    text = b"".join(export.streaming_content).decode("utf-8-sig")
    assert "agen.cerme;Wadah Perisai Cerme;1;16800;1260;1134;126" in text
    assert "agen.cerme" in client.get("/agents/").content.decode()
    workers = client.get(f"/agents/{cerme_agent.pk}/workers/").content.decode()
    assert "Siti Perisai" in workers and worker.nik in workers
    moved = client.post(f"/agents/{cerme_agent.pk}/reassign/", {"to_agent": second_agent.pk}, follow=True)
    assert "1 pekerja dipindahkan" in moved.content.decode()
    assert Worker.objects.get(pk=worker.pk).registered_by == second_agent

    run = CliRunner().invoke
    r = run(main, ["--lang", "en", "agents", "commissions", "--month", "2022-03", "--json"])
    assert json.loads(r.output)["totals"]["commission"] == 1_260, r.output
    r = run(main, ["--lang", "en", "agents", "activity", "--date", "2026-12-01", "--as", "cabang.gresik", "--json"])
    assert {a["agent"] for a in json.loads(r.output)} == {"agen.cerme", "agen.cerme2"}
    r = run(main, ["--lang", "en", "agents", "workers", "agen.cerme2", "--as", "cabang.gresik"])
    assert "Siti Perisai" in r.output
    r = run(main, ["--lang", "en", "agents", "reassign", "agen.cerme2", "agen.cerme", "--as", "agen.cerme"])
    assert r.exit_code == 1
    r = run(main, ["--lang", "en", "agents", "reassign", "agen.cerme2", "agen.cerme", "--as", "cabang.gresik"])
    assert r.exit_code == 0 and "1 workers moved" in r.output
    r = run(main, ["--lang", "en", "agents", "acquisition", "--json"])
    assert json.loads(r.output) == [{"agent": "agen.cerme", "agent_id": cerme_agent.pk, "registered": 1,
                                     "acquired": 0, "not_yet": 1, "months_needed": 6}]
