"""A reported death changes nothing until confirmed; confirmation stops billing, releases the funder's
commitment (prepaid months become a credit) and stops the coverage count."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from lindung.accounts.access import Access
from lindung.billing.models import Invoice, InvoiceLine
from lindung.billing.payments import record_payment
from lindung.billing.runs import bill
from lindung.claims.errors import ClaimError
from lindung.claims.events import confirm_event, funder_credits, prepaid_after_death, reject_event, report_event
from lindung.claims.models import ReportState
from lindung.coverage.services import active_members, contribution_months
from lindung.funding.budget import summary
from lindung.funding.models import Budget, ReservedMonth, Sponsorship, SponsorshipState

from .billing_support import funder, month, sponsor
from .conftest import DADAPKUNING, create_worker, make_user

pytestmark = pytest.mark.django_db

MONTHLY = 16_800   # RULES.md §3: JKK Rp10,000 + JKM Rp6,800 at Rp1,000,000 declared income


@pytest.fixture
def village_payer(db):
    payer = funder("village", "Pemerintah Desa Dadapkuning", DADAPKUNING)
    Budget.objects.create(funder=payer, fiscal_year=2025, source="village-budget", amount=10_000_000)
    return payer


@pytest.fixture
def fisherman(village_payer):
    worker = create_worker(DADAPKUNING, serial=31, name="Kasiman")
    sponsor(village_payer, [worker], start=month("2025-01"), months=12)
    for m in range(1, 7):
        bill(Access.console(), month(f"2025-{m:02d}"))
    for invoice in Invoice.objects.filter(funder=village_payer).order_by("month"):  # Jan–Jun paid in January
        record_payment(invoice, amount=invoice.outstanding, reference=f"ADV-{invoice.month:%m}",
                       paid_on=dt.date(2025, 1, 10))
    return worker


@pytest.fixture
def reported_death(fisherman, dadapkuning_operator):
    return report_event(Access(dadapkuning_operator), fisherman, kind="death", date=dt.date(2025, 3, 15),
                        today=dt.date(2025, 3, 20))


def budget_committed(payer) -> int:
    return summary(Budget.objects.get(funder=payer, fiscal_year=2025))["committed"]


def test_an_unconfirmed_report_changes_nothing(village_payer, fisherman, reported_death):
    assert reported_death.state == ReportState.UNCONFIRMED
    fisherman.refresh_from_db()
    assert fisherman.died_on is None
    assert budget_committed(village_payer) == 12 * MONTHLY
    assert contribution_months(fisherman) == 6 and active_members(DADAPKUNING, month("2025-05")) == 1
    bill(Access.console(), month("2025-07"))
    assert InvoiceLine.objects.filter(worker=fisherman, month=month("2025-07")).count() == 2


def test_confirming_a_death_stops_billing_releases_the_commitment_and_the_cover(
        village_payer, fisherman, reported_death, gresik_branch_officer):
    confirm_event(Access(gresik_branch_officer), reported_death)
    fisherman.refresh_from_db()
    assert fisherman.died_on == dt.date(2025, 3, 15) and fisherman.is_deceased

    # Billing: nothing for the months after March.
    bill(Access.console(), month("2025-07"))
    assert not InvoiceLine.objects.filter(worker=fisherman, month__gte=month("2025-07")).exists()
    # The budget: January–March stay committed, April–December are released.
    assert budget_committed(village_payer) == 3 * MONTHLY
    sponsorship = Sponsorship.objects.get(worker=fisherman)
    assert sponsorship.state == SponsorshipState.ENDED
    # Prepaid April–June: a credit to the village.
    assert prepaid_after_death(fisherman) == [{"funder_id": village_payer.pk, "funder": village_payer.name,
                                               "amount": 3 * MONTHLY}]
    assert funder_credits(village_payer.pk) == 3 * MONTHLY
    # Cover stops at the month of death; the indicators stop counting him.
    assert contribution_months(fisherman) == 3
    assert active_members(DADAPKUNING, month("2025-03")) == 1
    assert active_members(DADAPKUNING, month("2025-04")) == 0


def test_billing_skips_months_after_a_confirmed_death_even_if_reserved(
        village_payer, fisherman, reported_death, gresik_branch_officer):
    confirm_event(Access(gresik_branch_officer), reported_death)
    sponsorship = Sponsorship.objects.get(worker=fisherman)
    ReservedMonth.objects.create(sponsorship=sponsorship, worker=fisherman, program="jkm", month=month("2025-08"),
                                funder=village_payer, funding_source="village-budget")
    bill(Access.console(), month("2025-08"))
    assert not InvoiceLine.objects.filter(worker=fisherman, month=month("2025-08")).exists()


def test_only_an_authorised_user_in_scope_confirms(reported_death, dadapkuning_operator, jambi_province_operator):
    with pytest.raises(PermissionDenied):
        confirm_event(Access(dadapkuning_operator), reported_death)
    other_branch = make_user("cabang.jambi", "branch_officer", ["1501"])
    with pytest.raises(PermissionDenied):
        confirm_event(Access(other_branch), reported_death)


def test_a_wrong_report_is_rejected_and_changes_nothing(village_payer, fisherman, reported_death,
                                                        gresik_branch_officer):
    reject_event(Access(gresik_branch_officer), reported_death, note="Salah orang: NIK tertukar")
    fisherman.refresh_from_db()
    assert fisherman.died_on is None and budget_committed(village_payer) == 12 * MONTHLY
    with pytest.raises(ClaimError):
        confirm_event(Access(gresik_branch_officer), reported_death)


def test_a_second_death_report_and_a_future_date_are_refused(fisherman, reported_death, dadapkuning_operator):
    with pytest.raises(ClaimError):
        report_event(Access(dadapkuning_operator), fisherman, kind="death", date=dt.date(2025, 3, 15),
                     today=dt.date(2025, 3, 20))
    with pytest.raises(ClaimError):
        report_event(Access(dadapkuning_operator), fisherman, kind="accident", date=dt.date(2025, 4, 1),
                     today=dt.date(2025, 3, 20))


def test_the_funder_sees_its_credit_and_the_event_page_shows_it(client, village_payer, fisherman, reported_death,
                                                                 gresik_branch_officer):
    confirm_event(Access(gresik_branch_officer), reported_death)
    client.force_login(gresik_branch_officer)
    page = client.get(f"/claims/events/{reported_death.pk}/").content.decode()
    assert 'id="credits"' in page and "Rp50.400" in page
    funder_user = make_user("desa.bendahara", "funder_user", funder=village_payer)
    client.force_login(funder_user)
    home = client.get("/claims/").content.decode()
    assert 'id="funder-credit"' in home and "Rp50.400" in home
