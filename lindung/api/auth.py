from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from ninja.security import HttpBearer, django_auth

from lindung.accounts.access import Access
from lindung.accounts.models import ApiToken


class TokenAuth(HttpBearer):
    def authenticate(self, request, token):
        found = ApiToken.objects.select_related("user").filter(key_hash=ApiToken.hash(token)).first()
        if found is None or not found.user.is_active or not found.is_usable:
            return None
        ApiToken.objects.filter(pk=found.pk).update(last_used_at=timezone.now())
        request.user = found.user
        request.access = SimpleLazyObject(lambda: Access(found.user))
        return found.user


AUTH = [TokenAuth(), django_auth]
