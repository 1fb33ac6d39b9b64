"""Worker list of a region: one row per worker the user may see, for follow-up and verification.

Rows come from ``lindung.people.services.search_workers`` — the query behind the worker list page
and its CSV export, so the list holds exactly the workers the user's scope allows. NIKs pass through
``access.worker_view`` (masked NIK, no birth date, sex or income for roles that may not see them) and
are written as text cells; the list is one audit entry naming every worker in it.
XLSX only: a list of thousands of people is not for paper.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lindung.people.models import Ecosystem, Segment, Sex
from lindung.people.nik import mask_nik
from lindung.people.services import search_workers

from .. import document as d
from ..catalogue import Report

SEGMENTS, ECOSYSTEMS, SEXES = dict(Segment.choices), dict(Ecosystem.choices), dict(Sex.choices)


def _queryset(access, params):
    return search_workers(access, region=params.get("region", "")).order_by("village_id", "name_key", "id")


def size(access, params) -> int:
    return _queryset(access, params).count()


def build(access, params: dict, progress=None) -> d.Document:
    code = params.get("region", "")
    qs = _queryset(access, params)
    total = qs.count()
    segments = {k: str(v) for k, v in SEGMENTS.items()}
    ecosystems = {k: str(v) for k, v in ECOSYSTEMS.items()}
    sexes = {k: str(v) for k, v in SEXES.items()}

    # Plain values rather than model instances: a million rows stream at the speed of the writer. The
    # NIK is shown as ``access.nik_for_display`` would (full only for roles that may see it).
    # Only the fields the role may see (``access.worker_fields``, docs/security.md); the list is one
    # audit entry naming every worker in it.
    show_nik = (lambda nik: nik) if access.sees_full_nik() else mask_nik
    shown = access.worker_fields
    access.disclose(qs.values_list("id", flat=True).iterator(chunk_size=5000), door="report:workers", export=True)
    fields = ("nik", "name", "sex", "birth_date", "village_id", "village__name", "segment", "ecosystem",
              "occupation", "declared_income")

    def rows():
        for nik, name, sex, born, village_code, village, segment, ecosystem, occupation, income in (
                qs.values_list(*fields).iterator(chunk_size=5000)):
            yield {"nik": show_nik(nik), "name": name, "sex": sexes.get(sex, sex) if "sex" in shown else None,
                   "birth_date": born if "birth_date" in shown else None,
                   "village_code": village_code, "village": village, "segment": segments.get(segment, segment),
                   "ecosystem": ecosystems.get(ecosystem, ecosystem), "occupation": occupation,
                   "declared_income": income if "declared_income" in shown else None}

    columns = [d.Column("nik", "NIK", d.NIK), d.Column("name", _("Name")), d.Column("sex", _("Sex")),
               d.Column("birth_date", _("Date of birth"), d.DATE), d.Column("village_code", _("Village code")),
               d.Column("village", _("Village")), d.Column("segment", _("Segment")),
               d.Column("ecosystem", _("Ecosystem")), d.Column("occupation", _("Occupation")),
               d.Column("declared_income", _("Declared income"), d.RUPIAH)]
    return d.Document(
        title=_("Worker list"),
        subtitle=_("Workers registered in %(region)s") % {"region": code or "Indonesia"},
        parameters=[(_("Region"), code or "Indonesia")],
        figures=[d.Figure(_("Workers"), total)],
        tables=[d.Table(_("Workers"), columns, rows(), total_rows=total, pdf=False)],
        notes=[] if access.sees_full_nik() else [_("NIKs are masked for your role.")],
    )


REPORT = Report(
    name="workers",
    title=gettext_lazy("Worker list"),
    description=gettext_lazy("The workers of a region you may see, one row each, with NIK as text (XLSX)."),
    permission="report.workers",
    params=("region",),
    build=build,
    formats=("xlsx",),
    size=size,
)
