"""Billing's public functions: the web pages, the API, the CLI and other apps call these.

- ``bill(month)``: the monthly billing run (``runs``);
- ``record_payment`` / ``record_payment_as`` / ``collect`` / ``move_surplus``: payments (``payments``);
- ``import_statement`` / ``open_items`` / ``resolve``: bank statements and reconciliation (``statements``);
- ``spent_for_budget(budget)``: money paid against a funding budget (used by ``lindung.funding.budget``).
"""

from .payments import (PaymentError, collect, move_surplus, payments_in_scope, record_payment,  # noqa: F401
                       record_payment_as, spent_for_budget)
from .runs import RunResult, bill, period_end, set_prepayment  # noqa: F401
from .scope import (can_collect_for, visible_invoices, visible_lines,  # noqa: F401
                    visible_statement_rows, visible_statements)
from .statements import StatementError, import_statement, open_items, resolve  # noqa: F401
