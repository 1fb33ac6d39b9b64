"""SERTAKAN: a member pays for his household helper; an agent collects for self-payers (RULES.md §1, §8)."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from lindung.accounts.access import Access
from lindung.funding.approval import approve_batch
from lindung.funding.errors import FundingError
from lindung.funding.funders import self_funder_for
from lindung.funding.lifecycle import continue_as_self_payer
from lindung.funding.models import Funder, FunderKind, ReservedMonth, SponsorshipState
from lindung.funding.sponsorships import propose_sponsorships

from .conftest import DADAPKUNING, create_worker, make_user


@pytest.fixture
def member(db, cerme_agent):
    return Funder.objects.create(kind=FunderKind.SERTAKAN, name="Bapak Hartono (SERTAKAN)", region_id="3525",
                                 agent=cerme_agent, wadah="Wadah Cerme Sejahtera")


@pytest.fixture
def member_user(member):
    return make_user("hartono", "funder_user", funder=member)


@pytest.fixture
def helper(cerme_agent):
    return create_worker(DADAPKUNING, registered_by=cerme_agent, name="Siti Aminah", sex="F",
                         occupation="Pekerja rumah tangga")


def test_the_agent_proposes_and_the_member_confirms_his_helper(member, member_user, helper, cerme_agent):
    batch = propose_sponsorships(Access(cerme_agent), member, [helper.pk], ["jkk", "jkm"],
                                 dt.date(2026, 2, 1), 12, "donor")
    with pytest.raises(PermissionDenied):  # the agent collects, the member decides
        approve_batch(Access(cerme_agent), batch, today=dt.date(2026, 1, 20))
    approve_batch(Access(member_user), batch, today=dt.date(2026, 1, 20))
    s = batch.sponsorships.get()
    assert s.state == SponsorshipState.APPROVED and s.funding_source == "donor"
    assert ReservedMonth.objects.filter(worker=helper, funder=member).count() == 24
    seen = Access(member_user).workers().get()
    assert seen == helper and Access(member_user).nik_for_display(seen) == helper.masked_nik


def test_a_member_pays_from_the_donor_source_only(member, helper, cerme_agent):
    with pytest.raises(FundingError):
        propose_sponsorships(Access(cerme_agent), member, [helper.pk], ["jkk", "jkm"],
                             dt.date(2026, 2, 1), 12, "csr")


def test_another_agent_cannot_propose_for_the_member(member, helper):
    stranger = make_user("agen.lain", "agent", ["352511"])
    with pytest.raises(PermissionDenied):
        propose_sponsorships(Access(stranger), member, [helper.pk], ["jkk", "jkm"], dt.date(2026, 2, 1),
                             12, "donor")


def test_agent_hands_a_worker_over_to_self_payment_and_collects(member, member_user, helper, cerme_agent):
    batch = propose_sponsorships(Access(cerme_agent), member, [helper.pk], ["jkk", "jkm"],
                                 dt.date(2026, 1, 1), 6, "donor")
    approve_batch(Access(member_user), batch, today=dt.date(2025, 12, 20))
    own = continue_as_self_payer(Access(cerme_agent), batch.sponsorships.get(), months=6,
                                 today=dt.date(2026, 6, 2), wadah="Wadah Cerme Sejahtera")
    assert own.start_month == dt.date(2026, 7, 1) and own.funding_source == "self"
    assert own.funder.kind == FunderKind.SELF and own.funder.agent == cerme_agent
    assert own.funder.wadah == "Wadah Cerme Sejahtera"
    assert own.state == SponsorshipState.APPROVED
    # the agent's self-payers: funders it collects for
    assert list(Funder.objects.filter(kind=FunderKind.SELF, agent=cerme_agent)) == [own.funder]
    with pytest.raises(FundingError):  # once continued, not again
        continue_as_self_payer(Access(cerme_agent), batch.sponsorships.get(), today=dt.date(2026, 6, 2))


def test_a_self_funder_is_created_once_per_worker(helper, cerme_agent):
    first = self_funder_for(Access.console(), helper)
    again = self_funder_for(Access.console(), helper, agent=cerme_agent)
    assert first.pk == again.pk and again.agent == cerme_agent
