"""Helpers for the auto-debit test modules: self-payers with mandates and billed months."""

from lindung.autodebit.models import BankLayout, Mandate

from .billing_support import funder, sponsor


def self_payer_with_mandate(worker, *, start, months=12, account="0123456789", agent=None, registered_by=None,
                            registered_via="agent", debit_day=20) -> Mandate:
    """A self-paying worker (own funder, months reserved) with an active mandate at the generic bank."""
    payer = funder("self", f"{worker.name} (self-paying)", worker.village_id, worker=worker, agent=agent)
    sponsor(payer, [worker], start=start, months=months)
    return Mandate.objects.create(worker=worker, funder=payer, bank=BankLayout.objects.get(code="GENERIC"),
                                  account_holder=worker.name, account_number=account, debit_day=debit_day,
                                  programs="jkk,jkm", start_month=start, registered_by=registered_by,
                                  registered_via=registered_via)


def returned(export_text: str, status: str, on: str) -> str:
    """The bank's answer to a debit file in the generic layout: each detail line with a date and status."""
    lines = []
    for line in export_text.splitlines():
        cells = line.split(",")
        if cells[0] == "D":
            cells[5] = on
            lines.append(",".join(cells + [status]))
    return "H,GENERIC\n" + "\n".join(lines) + "\nT\n"
