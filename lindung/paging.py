"""One way to page a list, on every page and in the API: counts that stop at a bound.

On a national registry a search for a common name matches hundreds of thousands of workers, and
counting every one of them costs more than finding the page shown ("aminah" among ten million
workers: the first page in 75 ms, the full count in two seconds). A list therefore counts at most
``COUNT_LIMIT`` rows; beyond that it says "more than 10,000" and offers the pages up to the bound —
narrowing the search (a region, more of the name) finds the rest.
"""

from functools import cached_property

from django.core.paginator import Paginator

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
        self.limit = limit

    @cached_property
    def _bounded(self) -> tuple[int, bool]:
        return bounded_count(self.object_list, self.limit)

    @cached_property
    def count(self) -> int:
        return self._bounded[0]

    @property
    def more(self) -> bool:
        return self._bounded[1]


def page_of(request, rows, per_page: int, limit: int | None = None):
    """The page of ``rows`` the request asks for (``?page=``; a page out of range shows the last)."""
    return BoundedPaginator(rows, per_page, limit).get_page(request.GET.get("page"))
