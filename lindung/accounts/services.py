from django.core.exceptions import ValidationError
from django.db import transaction

from lindung.regions.models import Region

from .models import Role, User, validate_assignment


@transaction.atomic
def create_user(username: str, password: str, role: str, region_codes=(), funder=None, *,
                password_hash: str | None = None, **extra) -> User:
    """Create an account with a validated role/region assignment. National admins get the back office."""
    codes = [c.replace(".", "") for c in region_codes]
    regions = list(Region.objects.filter(code__in=codes))
    missing = set(codes) - {r.code for r in regions}
    if missing:
        raise ValidationError(f"Unknown region code(s): {', '.join(sorted(missing))}")
    validate_assignment(role, regions, funder)
    user = User(username=username, role=role, funder=funder, is_staff=role == Role.NATIONAL_ADMIN,
                is_superuser=role == Role.NATIONAL_ADMIN, **extra)
    if password_hash:  # already hashed (the demo hashes its one shared password once)
        user.password = password_hash
    else:
        user.set_password(password)
    user.save()
    user.regions.set(regions)
    return user
