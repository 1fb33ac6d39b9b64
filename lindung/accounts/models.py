"""Users, their roles and the regions they are assigned to.

What a role may see and do is decided in one place, ``lindung.accounts.access``; this module only
stores who is who.
"""

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lindung.regions.models import Level, Region


class Role(models.TextChoices):
    NATIONAL_ADMIN = "national_admin", _("National administrator")
    BRANCH_OFFICER = "branch_officer", _("BPJS branch officer")
    REGIONAL_OPERATOR = "regional_operator", _("Regional government operator")
    VILLAGE_OPERATOR = "village_operator", _("Village operator")
    FUNDER_USER = "funder_user", _("Funder user")
    AGENT = "agent", _("Agent")


# Which region levels a role may be assigned to, and how many regions at most (None = any number).
ROLE_REGION_RULES = {
    Role.NATIONAL_ADMIN: (set(), 0),
    Role.BRANCH_OFFICER: ({Level.REGENCY}, None),
    Role.REGIONAL_OPERATOR: ({Level.PROVINCE, Level.REGENCY}, 1),
    Role.VILLAGE_OPERATOR: ({Level.VILLAGE}, 1),
    Role.FUNDER_USER: (set(), 0),
    Role.AGENT: ({Level.PROVINCE, Level.REGENCY, Level.DISTRICT, Level.VILLAGE}, None),
}


class User(AbstractUser):
    role = models.CharField(_("role"), max_length=32, choices=Role.choices, default=Role.VILLAGE_OPERATOR)
    regions = models.ManyToManyField(Region, verbose_name=_("assigned regions"), blank=True,
                                     related_name="assigned_users")
    # The funder this account acts for (funder users); the funding app owns the model.
    funder = models.ForeignKey("funding.Funder", verbose_name=_("funder"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="users")
    # The interface language this person chose ("" = never chose: Indonesian). See LanguageMiddleware.
    language = models.CharField(_("language"), max_length=8, blank=True, default="")

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def save(self, *args, **kwargs):
        if self.is_superuser:  # e.g. `lindung manage createsuperuser`: the back office implies national scope
            self.role = Role.NATIONAL_ADMIN
        super().save(*args, **kwargs)

    def region_codes(self) -> list[str]:
        return sorted(self.regions.values_list("code", flat=True))


def validate_assignment(role: str, regions: list[Region], funder=None) -> None:
    """Raise ValidationError when a role is given regions of the wrong level or number."""
    levels, limit = ROLE_REGION_RULES[Role(role)]
    if not levels and regions:
        raise ValidationError(_("This role is not assigned to regions."))
    if levels and not regions and role != Role.AGENT:
        raise ValidationError(_("This role needs an assigned region."))
    if limit is not None and len(regions) > limit:
        raise ValidationError(_("This role can be assigned to at most %(n)d region(s).") % {"n": limit})
    wrong = [r for r in regions if r.level not in levels]
    if wrong:
        raise ValidationError(_("Region %(region)s has the wrong level for this role.") % {"region": wrong[0]})
    if role == Role.FUNDER_USER and funder is None:
        raise ValidationError(_("A funder user must belong to a funder."))


class ApiToken(models.Model):
    """A bearer token for scripts calling the API as a user. Only a hash is stored; a token expires
    (``LINDUNG_TOKEN_DAYS`` by default) and can be revoked (``lindung users revoke-token``)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > timezone.now())

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    @staticmethod
    def hash(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    @classmethod
    def issue(cls, user, name: str, *, days: int | None = None) -> str:
        """Create a token valid for ``days`` (default ``LINDUNG_TOKEN_DAYS``) and return its key; the key is
        shown once and never stored."""
        days = settings.LINDUNG_TOKEN_DAYS if days is None else days
        key = "lin_" + secrets.token_urlsafe(32)
        cls.objects.create(user=user, name=name, key_hash=cls.hash(key),
                           expires_at=timezone.now() + dt.timedelta(days=days))
        return key
