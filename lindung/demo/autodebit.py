"""The demo's auto-debit story (docs/autodebit.md).

Six vulnerable workers of Kecamatan Cerme who were waiting for a donor decided to pay for themselves
from their bank accounts: the Cerme agent took them out of the waiting pool and registered their
mandates two months ago. The Gresik branch exported the two past months' debit files
and imported the bank's answers: every debit went through except one worker's last month, returned
"51 insufficient funds" — on the agent's follow-up list, the worker at risk of lapse. This month's debit
file holds all six.
"""

import datetime as dt

from django.db.models import Exists, OuterRef

from lindung.accounts.access import Access
from lindung.accounts.models import User
from lindung.autodebit.services import bank_for, export_debit_file, import_return_file, register_mandate
from lindung.billing.runs import bill
from lindung.coverage.snapshots import take_snapshot
from lindung.funding.approval import approve_batch
from lindung.funding.funders import self_funder_for
from lindung.funding.matching import withdraw_from_pool
from lindung.funding.models import Sponsorship, WaitingEntry, add_months
from lindung.funding.sponsorships import propose_sponsorships
from lindung.people.models import Segment

ACCOUNTS = ["0231457780", "0231457802", "0231457815", "0231457829", "0231457833", "0231457846"]


def seed_autodebit(today: dt.date) -> dict:
    agent = User.objects.filter(username="agen.cerme").first()
    branch = User.objects.filter(username="cabang.gresik").first()
    if agent is None or branch is None:
        return {"mandates": 0}
    month = today.replace(day=1)
    first = add_months(month, -2)
    # Self-payers commit no public money: the national administrator approves their lists at once.
    as_agent, approver = Access(agent), Access(User.objects.get(username="admin"))
    waiting = list(WaitingEntry.objects.filter(closed_at__isnull=True, worker__registered_by=agent,
                                               worker__segment=Segment.BPU_VULNERABLE)
                   .exclude(Exists(Sponsorship.objects.filter(worker=OuterRef("worker_id"))))
                   .select_related("worker").order_by("-worker_id")[:len(ACCOUNTS)])
    if not waiting:
        return {"mandates": 0}
    workers = []
    for entry in waiting:
        withdraw_from_pool(as_agent, entry, note="Membayar sendiri lewat autodebet")
        workers.append(entry.worker)
    bank = bank_for("GENERIC")
    mandates = []
    for worker, account in zip(workers, ACCOUNTS):
        self_funder_for(Access.console(), worker, agent=agent, wadah="Wadah Perisai Cerme")
        mandates.append(register_mandate(as_agent, worker, bank=bank, account_holder=worker.name,
                                         account_number=account, debit_day=20, programs="jkk,jkm",
                                         start_month=first))
    for mandate in mandates:
        batch = propose_sponsorships(as_agent, mandate.funder, [mandate.worker_id], ["jkk", "jkm"], first, 12,
                                     "self", "Peserta mandiri (autodebet)")
        approve_batch(approver, batch, today=today)
    branch_access = Access(branch)
    for m in (first, add_months(month, -1), month):
        bill(Access.console(), m)
    failing = mandates[-1].pk
    for m in (first, add_months(month, -1)):
        text, _run = export_debit_file(branch_access, m, bank, today=m)
        answer = []
        for line in text.splitlines():
            cells = line.split(",")
            if cells[0] != "D":
                continue
            status = "51" if m == add_months(month, -1) and cells[1].startswith(f"AD{failing:010d}") else "00"
            answer.append(",".join(cells + [status]))
        import_return_file(branch_access, bank, f"return-GENERIC-{m:%Y-%m}.csv",
                           ("\n".join(answer) + "\n").encode())
        take_snapshot(Access.console(), m)
    return {"mandates": len(mandates)}
