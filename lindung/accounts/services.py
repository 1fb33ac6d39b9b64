from django.contrib.auth import password_validation
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lindung.audit import services as audit
from lindung.regions.models import Region

from .models import ApiToken, Role, User, validate_assignment


def _regions(region_codes) -> list[Region]:
    codes = [c.replace(".", "").strip() for c in region_codes]
    regions = list(Region.objects.filter(code__in=codes))
    missing = set(codes) - {r.code for r in regions}
    if missing:
        raise ValidationError(_("Unknown region code(s): %(codes)s") % {"codes": ", ".join(sorted(missing))})
    return regions


def check_new_user(username: str, role: str, region_codes=(), funder=None) -> None:
    """Everything about a new account except its password: a free username, known regions of the
    right level for the role, a funder for funder users (so the CLI asks for a password only after)."""
    if User.objects.filter(username=username).exists():
        raise ValidationError(_("A user named %(name)s already exists.") % {"name": username})
    validate_assignment(role, _regions(region_codes), funder)


@transaction.atomic
def create_user(username: str, password: str, role: str, region_codes=(), funder=None, *,
                password_hash: str | None = None, **extra) -> User:
    """Create an account with a validated role/region assignment. National admins get the back office.

    The password passes Django's password validators (``AUTH_PASSWORD_VALIDATORS``) at every door.
    """
    regions = _regions(region_codes)
    validate_assignment(role, regions, funder)
    user = User(username=username, role=role, funder=funder, is_staff=role == Role.NATIONAL_ADMIN,
                is_superuser=role == Role.NATIONAL_ADMIN, **extra)
    if password_hash:  # already hashed (the demo hashes its one shared password once)
        user.password = password_hash
    else:
        password_validation.validate_password(password, user)
        user.set_password(password)
    user.save()
    user.regions.set(regions)
    return user


def visible_tokens(access):
    """API tokens of the users this user may manage (``Access.token_owners``), newest first per user."""
    return (ApiToken.objects.filter(user__in=access.token_owners()).select_related("user")
            .order_by("user__username", "-created_at", "-id"))


NAME_LENGTH = ApiToken._meta.get_field("name").max_length


def issue_token(access, owner: User, name: str, *, days: int | None = None) -> str:
    """Issue an API token for ``owner`` (page, ``lindung users token``) and return its key, shown once and
    never stored. Issuing needs ``token.manage`` and an owner among the accounts whose tokens the user
    manages (``Access.token_owners``: himself, and every account for the national administrator, the
    operators and agents of his regencies for a branch officer); an audit entry on the new token."""
    access.require("token.manage")
    name = " ".join(name.split())
    if not name or len(name) > NAME_LENGTH:
        raise ValidationError(_("A token needs a name of at most %(n)d characters.") % {"n": NAME_LENGTH})
    if not access.token_owners().filter(pk=owner.pk).exists():
        raise PermissionDenied(_("You do not manage the tokens of %(user)s.") % {"user": owner.username})
    with transaction.atomic():
        key = ApiToken.issue(owner, name, days=days)
        token = ApiToken.objects.get(key_hash=ApiToken.hash(key))
        audit.record(access.acting_user, audit.Action.CREATE, token, summary=_(
            "API token %(name)s issued for %(user)s") % {"name": token.name, "user": owner.username},
            changes={"expires_at": [None, token.expires_at.isoformat()]})
    return key


def revoke_token(access, token_id: int) -> ApiToken:
    """Revoke a token at once (page, ``lindung users revoke-token``); an audit entry on the token.
    ``ApiToken.DoesNotExist`` for a token outside the user's reach or already revoked."""
    with transaction.atomic():
        token = visible_tokens(access).select_for_update(of=("self",)).get(pk=token_id, revoked_at__isnull=True)
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit.record(access.acting_user, audit.Action.UPDATE, token, summary=_(
            "API token %(name)s of %(user)s revoked") % {"name": token.name, "user": token.user.username},
            changes={"revoked_at": [None, token.revoked_at.isoformat()]})
    return token
