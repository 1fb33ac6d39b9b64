"""The one access-control layer.

Every page, API endpoint, export and CLI command that touches people's data asks an ``Access`` for
the rows it may see (``access.workers()``) and for permission to act (``access.require(...)``).
Nothing else filters by role, so a rule changed here changes every door at once.

Scope by role:
- national administrator: everything;
- BPJS branch officer: the regencies assigned;
- regional government operator: the one province or regency assigned;
- village operator: the one village assigned;
- agent: the workers it registered; registers only inside its assigned regions;
- funder user: the workers its funder pays for through a live sponsorship (approved or active),
  seen through ``WORKER_FIELDS`` (masked NIK, name, village, age band — no birth date, sex, phone or
  income, from which the masked NIK digits could be rebuilt).

What a role sees of a worker is decided by ``WORKER_FIELDS`` and served by ``Access.worker_view``;
every door that shows workers in bulk (lists, API pages, exports) reports what it showed through
``Access.disclose`` so that each worker's audit trail names every list that disclosed him.
"""

from functools import cached_property

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from lindung.audit import services as audit
from lindung.regions.models import REGION_FIELDS, Region, ancestor_codes

from .models import Role, User

ALL = set(Role.values)
GOVERNMENT = {Role.NATIONAL_ADMIN, Role.BRANCH_OFFICER, Role.REGIONAL_OPERATOR, Role.VILLAGE_OPERATOR}

# permission → roles holding it. Scope (which rows) is applied separately by the query methods.
PERMISSIONS: dict[str, set[str]] = {
    "worker.view": ALL,
    "worker.create": GOVERNMENT | {Role.AGENT},
    "worker.edit": GOVERNMENT | {Role.AGENT},
    "worker.export": ALL,
    "worker.full_nik": GOVERNMENT | {Role.AGENT},
    "audit.view": GOVERNMENT,
    # Seeing and revoking other users' API tokens (``Access.token_owners``); everyone manages their own.
    "token.manage": {Role.NATIONAL_ADMIN, Role.BRANCH_OFFICER},
    "region.view": ALL,
    "region.working_population.edit": {Role.NATIONAL_ADMIN, Role.BRANCH_OFFICER, Role.REGIONAL_OPERATOR},
    "rules.view": ALL,
    "rules.edit": {Role.NATIONAL_ADMIN},
    # Funding (which funder a user may act for is decided in lindung.funding.scope).
    "funding.view": ALL,
    "funder.manage": {Role.NATIONAL_ADMIN, Role.REGIONAL_OPERATOR},
    "budget.edit": {Role.NATIONAL_ADMIN, Role.REGIONAL_OPERATOR, Role.VILLAGE_OPERATOR, Role.FUNDER_USER},
    "sponsorship.propose": {Role.NATIONAL_ADMIN, Role.REGIONAL_OPERATOR, Role.VILLAGE_OPERATOR, Role.AGENT,
                            Role.FUNDER_USER},
    # Approving a list commits money: the village head (a village operator account of that village),
    # the province or regency operator, or the funder's own people — never the list's proposer when
    # the money is public (maker–checker, enforced in lindung.funding.approval).
    "sponsorship.approve": {Role.NATIONAL_ADMIN, Role.REGIONAL_OPERATOR, Role.VILLAGE_OPERATOR, Role.FUNDER_USER},
    "sponsorship.handover": {Role.NATIONAL_ADMIN, Role.REGIONAL_OPERATOR, Role.VILLAGE_OPERATOR, Role.AGENT},
    "pool.propose": {Role.NATIONAL_ADMIN, Role.REGIONAL_OPERATOR, Role.VILLAGE_OPERATOR, Role.AGENT},
    "matching.run": {Role.NATIONAL_ADMIN, Role.FUNDER_USER},
    # Billing (which invoices a user sees is decided in lindung.billing.scope).
    "billing.view": ALL,
    "billing.export": ALL,
    "billing.run": {Role.NATIONAL_ADMIN},
    "billing.plan.edit": {Role.NATIONAL_ADMIN, Role.REGIONAL_OPERATOR, Role.VILLAGE_OPERATOR, Role.FUNDER_USER},
    "payment.record": {Role.NATIONAL_ADMIN, Role.BRANCH_OFFICER},
    "payment.import": {Role.NATIONAL_ADMIN, Role.BRANCH_OFFICER},
    "payment.resolve": {Role.NATIONAL_ADMIN, Role.BRANCH_OFFICER},
    "payment.collect": {Role.AGENT},
    # Coverage. Statistics: region totals for any region the user may browse; without it (funder
    # users, agents) coverage counts are limited to the user's own workers.
    "coverage.view": ALL,
    "coverage.statistics": GOVERNMENT,
    "coverage.correct": {Role.NATIONAL_ADMIN, Role.BRANCH_OFFICER},
    "coverage.snapshot": {Role.NATIONAL_ADMIN},
    # Auto-debit (lindung.autodebit): mandates follow the worker's scope; account numbers in full only on
    # the mandate page (audited); bank files are exchanged by the branch (national: every bank).
    "autodebit.view": GOVERNMENT | {Role.AGENT},
    "autodebit.register": {Role.NATIONAL_ADMIN, Role.BRANCH_OFFICER, Role.VILLAGE_OPERATOR, Role.AGENT},
    "autodebit.account": {Role.NATIONAL_ADMIN, Role.BRANCH_OFFICER, Role.VILLAGE_OPERATOR, Role.AGENT},
    "autodebit.export": {Role.NATIONAL_ADMIN, Role.BRANCH_OFFICER},
    "autodebit.import": {Role.NATIONAL_ADMIN, Role.BRANCH_OFFICER},
    "autodebit.followup": GOVERNMENT | {Role.AGENT},
    # Perisai agents (lindung.agents): an agent sees its own statement and workers; government roles the
    # agents assigned in or above their regions; the branch reassigns an inactive agent's workers.
    "agents.view": GOVERNMENT | {Role.AGENT},
    "agents.reassign": {Role.NATIONAL_ADMIN, Role.BRANCH_OFFICER},
    # Programmes with targets (lindung.programmes): seen with the funders they belong to; created by
    # those who act for the running funder (lindung.funding.scope.can_act_for).
    "programme.view": ALL,
    "programme.manage": {Role.NATIONAL_ADMIN, Role.REGIONAL_OPERATOR},
    # Daily reminders (lindung.reminders): for those who follow workers up — scoped like the workers.
    "reminders.view": GOVERNMENT | {Role.AGENT},
    # Bulk enrolment from worker lists (rows still pass can_register_in, one by one).
    "import.run": GOVERNMENT | {Role.AGENT},
    # Claims and benefits (which events and claims a user sees is decided in lindung.claims.scope):
    # the village operator reports and gathers documents; the branch officer confirms deaths,
    # verifies, submits (a different user from the verifier) and records BPJS's decision; regency
    # and province see their region; a funder sees the benefits paid for workers it funded.
    "claim.view": GOVERNMENT | {Role.FUNDER_USER},
    "claim.statistics": GOVERNMENT,
    "event.report": {Role.NATIONAL_ADMIN, Role.BRANCH_OFFICER, Role.VILLAGE_OPERATOR},
    "event.confirm": {Role.NATIONAL_ADMIN, Role.BRANCH_OFFICER},
    "claim.prepare": {Role.NATIONAL_ADMIN, Role.BRANCH_OFFICER, Role.VILLAGE_OPERATOR},
    "claim.documents": {Role.NATIONAL_ADMIN, Role.BRANCH_OFFICER, Role.VILLAGE_OPERATOR},
    "claim.verify": {Role.NATIONAL_ADMIN, Role.BRANCH_OFFICER},
    "claim.submit": {Role.NATIONAL_ADMIN, Role.BRANCH_OFFICER},
    "claim.decide": {Role.NATIONAL_ADMIN, Role.BRANCH_OFFICER},
    "registry.manage": {Role.NATIONAL_ADMIN},
    # Reports (lindung.reports): who may generate which report. The rows in a report still pass the
    # scope methods below, and a region-wide report only covers a region inside the user's scope.
    "report.view": ALL,
    "report.coverage": GOVERNMENT,
    "report.workers": GOVERNMENT | {Role.AGENT},
    "report.budget": GOVERNMENT | {Role.FUNDER_USER},
    "report.handover": ALL,
    "report.cards": GOVERNMENT | {Role.AGENT},
    "report.claims": GOVERNMENT | {Role.FUNDER_USER},
    "report.donor": {Role.NATIONAL_ADMIN, Role.FUNDER_USER},
    "report.arrears": GOVERNMENT | {Role.AGENT},
    "report.paritrana": {Role.NATIONAL_ADMIN, Role.BRANCH_OFFICER, Role.REGIONAL_OPERATOR},
    # Regulations a province or regency issued (entered as data for the Paritrana evidence pack).
    "regulation.edit": {Role.NATIONAL_ADMIN, Role.REGIONAL_OPERATOR},
}


# What each role sees of a worker (UU 27/2022: only what the role's work needs). Every door — pages,
# API schemas, exports, CLI — reads a worker through ``Access.worker_view``; a field outside the
# role's set is withheld (None). "nik" is the full NIK only with the "worker.full_nik" permission and
# the masked NIK otherwise. A donor needs to know whom it pays and where: name, village, age band.
WORKER_FIELDS_ALL = frozenset({
    "id", "nik", "name", "birth_place", "birth_date", "age_band", "sex", "village_code", "district_code",
    "regency_code", "province_code", "phone", "occupation", "segment", "ecosystem", "sector",
    "declared_income", "nik_flags", "registered_by",
})
WORKER_FIELDS_FUNDER = frozenset({
    "id", "nik", "name", "age_band", "village_code", "district_code", "regency_code", "province_code",
    "occupation", "segment", "ecosystem", "sector",
})
WORKER_FIELDS: dict[str, frozenset] = {
    Role.NATIONAL_ADMIN: WORKER_FIELDS_ALL,
    Role.BRANCH_OFFICER: WORKER_FIELDS_ALL,
    Role.REGIONAL_OPERATOR: WORKER_FIELDS_ALL,
    Role.VILLAGE_OPERATOR: WORKER_FIELDS_ALL,
    Role.AGENT: WORKER_FIELDS_ALL,
    Role.FUNDER_USER: WORKER_FIELDS_FUNDER,
}


def _worker_of(row):
    """The worker a row shows: itself, its already-loaded worker, or just the worker's id."""
    if hasattr(row, "worker_id"):
        loaded = row._state.fields_cache.get("worker")
        return loaded if loaded is not None else row.worker_id
    return row


class Access:
    # The rows this object filters belong to apps on higher floors; each hands in its source when
    # Django is ready (people/apps.py, funding/apps.py), so this module imports none of them.
    worker_model = None  # people.Worker

    @staticmethod
    def funder_worker_ids(funder_id: int):
        """Ids of the workers a funder pays or paid for (handed in by the funding app)."""
        return []

    def __init__(self, user):
        self.user = user

    @classmethod
    def console(cls) -> "Access":
        """The operator at the server's console (``lindung`` commands without ``--as``, the demo, the
        background worker for a job nobody started): national scope, acting as no user, so audit
        entries and "recorded by" columns name no one."""
        return _Console(None)

    @property
    def acting_user(self):
        """The signed-in user behind this access, or None for the console."""
        return self.user if getattr(self.user, "is_authenticated", False) else None

    # --- who -------------------------------------------------------------------------------
    @cached_property
    def role(self) -> str | None:
        if not getattr(self.user, "is_authenticated", False) or not self.user.is_active:
            return None
        return self.user.role

    @property
    def is_national(self) -> bool:
        return self.role == Role.NATIONAL_ADMIN

    @cached_property
    def region_codes(self) -> list[str]:
        return self.user.region_codes() if self.role else []

    @cached_property
    def funder_id(self) -> int | None:
        return self.user.funder_id if self.role == Role.FUNDER_USER else None

    def can(self, permission: str) -> bool:
        return self.role is not None and self.role in PERMISSIONS[permission]

    def require(self, permission: str) -> None:
        if not self.can(permission):
            raise PermissionDenied(_("Your role does not allow this."))

    # --- which rows ------------------------------------------------------------------------
    def region_q(self, prefix: str = "") -> Q:
        """Rows whose worker domicile lies in the user's regions.

        ``prefix`` is the path to a model carrying the worker's denormalised region codes,
        e.g. ``"worker__"`` for a sponsorship.
        """
        by_length: dict[int, list[str]] = {}
        for code in self.region_codes:
            by_length.setdefault(len(code), []).append(code)
        q = Q(pk__in=[])
        for length, codes in by_length.items():
            q |= Q(**{f"{prefix}{REGION_FIELDS[length]}__in": codes})
        return q

    def worker_q(self, prefix: str = "") -> Q:
        """The filter that limits any query over workers (or rows pointing at a worker) to scope."""
        nothing = Q(pk__in=[])
        if self.role is None:
            return nothing
        if self.is_national:
            return Q()
        if self.role == Role.AGENT:
            return Q(**{f"{prefix}registered_by": self.user.pk})
        if self.role == Role.FUNDER_USER:
            return self._funder_worker_q(prefix)
        return self.region_q(prefix)

    def _funder_worker_q(self, prefix: str) -> Q:
        if self.funder_id is None:
            return Q(pk__in=[])
        return Q(**{f"{prefix}id__in": self.funder_worker_ids(self.funder_id)})

    def workers(self, queryset: QuerySet | None = None) -> QuerySet:
        if not self.can("worker.view"):
            return self.worker_model.objects.none()
        qs = self.worker_model.objects.all() if queryset is None else queryset
        return qs.filter(self.worker_q())

    # --- regions ---------------------------------------------------------------------------
    def region_in_scope(self, code: str) -> bool:
        """True when the whole region lies inside the user's regions."""
        if self.is_national:
            return True
        return any(code.startswith(mine) for mine in self.region_codes)

    def region_visible(self, code: str) -> bool:
        """Regions a user may browse: inside their scope, or an ancestor on the way to it."""
        if self.role is None:
            return False
        if self.is_national or self.role in (Role.FUNDER_USER, Role.AGENT):
            return True  # the tree itself is public data; their worker counts stay scoped
        return self.region_in_scope(code) or any(code in ancestor_codes(mine) for mine in self.region_codes)

    def may_report_on(self, code: str) -> bool:
        """A region-wide report (figures for a whole region) only for a region inside the user's scope;
        '' (Indonesia) for the national administrator."""
        if self.role is None:
            return False
        return self.is_national or (code != "" and self.region_in_scope(code))

    def can_register_in(self, village_code: str) -> bool:
        if not self.can("worker.create"):
            return False
        return self.is_national or self.region_in_scope(village_code)

    def can_edit(self, worker) -> bool:
        return self.can("worker.edit") and self.workers().filter(pk=worker.pk).exists()

    def sees_full_nik(self) -> bool:
        return self.can("worker.full_nik")

    def nik_for_display(self, worker) -> str:
        return worker.nik if self.sees_full_nik() else worker.masked_nik

    @cached_property
    def worker_fields(self) -> frozenset:
        return WORKER_FIELDS.get(self.role, frozenset()) if self.role else frozenset()

    def worker_view(self, worker) -> dict:
        """The worker as this role may see him: every field of ``WORKER_FIELDS_ALL``, withheld ones None."""
        shown = self.worker_fields
        values = {}
        for field in sorted(WORKER_FIELDS_ALL):
            if field not in shown:
                values[field] = None
            elif field == "nik":
                values[field] = self.nik_for_display(worker)
            elif field == "village_code":
                values[field] = worker.village_id
            elif field == "registered_by":
                values[field] = str(worker.registered_by) if worker.registered_by_id else None
            else:
                values[field] = getattr(worker, field)
        return values

    def may_search_nik(self) -> bool:
        """Searching by NIK digits confirms a guessed NIK, so only roles that see full NIKs may."""
        return self.sees_full_nik()

    EVERY_WORKER = object()  # ``disclose(Access.EVERY_WORKER, ...)``: the act handed out the whole registry

    def disclose(self, rows, *, door: str, export: bool = False, unregistered: int = 0,
                 details: dict | None = None) -> None:
        """Record that ``door`` showed these workers' personal data to the user: one audit entry
        listing them, found again on each worker's own trail. ``rows`` are workers, rows pointing at
        a worker (sponsorships, invoice lines, pool entries) or worker ids; ``unregistered`` counts
        people shown who are no registered worker (kept as a number, they have no trail).

        ``Access.EVERY_WORKER`` stands for the whole registry (a backup): one entry with the number of
        workers, on the trail of every worker registered before it, instead of millions of subjects."""
        if self.role is None:
            return
        if rows is Access.EVERY_WORKER:
            audit.disclosed_registry(self.user, self.worker_model.objects.count(), door=door, details=details)
            return
        audit.disclosed(self.user, (_worker_of(row) for row in rows), door=door, export=export,
                        unregistered=unregistered, details=details)

    def token_owners(self) -> QuerySet:
        """Users whose API tokens this user may see and revoke: himself, and with ``token.manage`` the
        accounts in his scope — every account for the national administrator; for a branch officer the
        operators and agents whose every assigned region lies inside his regencies."""
        if self.can("token.manage") and self.is_national:
            return User.objects.all()
        if not self.can("token.manage"):
            return User.objects.filter(pk=self.user.pk)
        inside = Q(pk__in=[])
        for code in self.region_codes:
            inside |= Q(code__startswith=code)
        outside = Region.objects.exclude(inside)
        managed = (User.objects.filter(role__in=[Role.REGIONAL_OPERATOR, Role.VILLAGE_OPERATOR, Role.AGENT],
                                       regions__isnull=False)
                   .exclude(regions__in=outside).distinct())
        return User.objects.filter(Q(pk=self.user.pk) | Q(pk__in=managed.values("pk")))

    def worker_trail(self, worker):
        """A worker's audit trail (changes and every disclosure), for users who may read the audit and
        see the worker; entries are not region-filtered because the worker himself is in scope."""
        if not self.can("audit.view") or not self.workers().filter(pk=worker.pk).exists():
            return audit.AuditEntry.objects.none()
        return audit.trail(worker)

    def audit_entries(self, queryset):
        if not self.can("audit.view"):
            return queryset.none()
        if self.is_national:
            return queryset
        q = Q(pk__in=[])
        for code in self.region_codes:
            q |= Q(region_code__startswith=code)
        return queryset.filter(q)


class _Console(Access):
    role = Role.NATIONAL_ADMIN
    region_codes: list[str] = []
    funder_id = None
