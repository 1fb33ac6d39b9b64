"""One way to page a list, on every page and in the API: counts that stop at a bound.

On a national registry a search for a common name matches hundreds of thousands of workers, and
counting every one of them costs more than finding the page shown ("aminah" among ten million
workers: the first page in 75 ms, the full count in two seconds). A list therefore counts at most
``COUNT_LIMIT`` rows; beyond that it says "more than 10,000" and offers the pages up to the bound —
narrowing the search (a region, more of the name) finds the rest.
"""

from dataclasses import dataclass
from functools import cached_property

from django.core.paginator import Page, Paginator

COUNT_LIMIT = 10_000


def bounded_count(rows, limit: int | None = None) -> tuple[int, bool]:
    """(count, more): how many rows there are, up to ``limit`` (``COUNT_LIMIT``), and whether there
    are more.

    A query set is counted in the database without its ordering and with ``LIMIT limit + 1`` inside
    the count (``SELECT COUNT(*) FROM (SELECT … LIMIT 10001)``), so the database stops early."""
    limit = COUNT_LIMIT if limit is None else limit
    if hasattr(rows, "query"):
        found = rows.order_by()[:limit + 1].count()
    else:
        found = len(rows)
    return min(found, limit), found > limit


class BoundedPaginator(Paginator):
    """Django's paginator with a bounded count; ``more`` says that the list goes on past it."""

    def __init__(self, object_list, per_page, limit: int | None = None):
        super().__init__(object_list, per_page)
        self.limit = COUNT_LIMIT if limit is None else limit

    @cached_property
    def _bounded(self) -> tuple[int, bool]:
        return bounded_count(self.object_list, self.limit)

    @cached_property
    def count(self) -> int:
        return self._bounded[0]

    @property
    def more(self) -> bool:
        return self._bounded[1]


def page_of(request, rows, per_page: int, limit: int | None = None) -> Page:
    """The page of ``rows`` the request asks for (``?page=``; a page out of range shows the last)."""
    return paginate(rows, per_page, request.GET.get("page"), limit)


def paginate(rows, per_page: int, number=None, limit: int | None = None) -> Page:
    """Page ``number`` of ``rows``. The first page — what most searches show — is read first, one row
    more than it holds: when that extra row is missing, the list is all there and its count is known
    without a second query (a search for a full name on ten million workers is one index scan, not
    two); otherwise the rows read are the page, and only the bounded count is added."""
    paginator = BoundedPaginator(rows, per_page, limit)
    if number not in (None, "", 1, "1") or not hasattr(rows, "query"):
        return paginator.get_page(number)
    head = list(rows[:per_page + 1])
    if len(head) <= per_page:
        paginator.__dict__["_bounded"] = (min(len(head), paginator.limit), len(head) > paginator.limit)
    return Page(head[:per_page], 1, paginator)


@dataclass
class Slice:
    rows: list
    count: int
    more: bool


def paged(rows, page: int, page_size: int, limit: int | None = None) -> Slice:
    """An API page: page ``page`` (from 1) of ``rows``, with the bounded count. A page past the end is
    empty; a first page that holds the whole list is counted by reading it (one query)."""
    start = (page - 1) * page_size
    shown = list(rows[start:start + page_size + (1 if start == 0 else 0)])
    if start == 0 and len(shown) <= page_size:
        limit = COUNT_LIMIT if limit is None else limit
        return Slice(shown, min(len(shown), limit), len(shown) > limit)
    return Slice(shown[:page_size], *bounded_count(rows, limit))
