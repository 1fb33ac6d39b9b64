"""The API tokens page: a user's own tokens (created, last used, expiry) and revoking one; an
administrator (``token.manage``) sees and revokes the tokens of the users in his scope."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .models import ApiToken
from .services import revoke_token, visible_tokens

LIMIT = 500


@login_required
def tokens(request):
    access = request.access
    rows = visible_tokens(access)
    owner = request.GET.get("user", "").strip()[:150]
    if owner:
        rows = rows.filter(user__username__icontains=owner)
    shown = list(rows[:LIMIT])
    return render(request, "accounts/tokens.html", {
        "tokens": shown, "more": len(shown) == LIMIT and rows[LIMIT:LIMIT + 1].exists(),
        "manages": access.can("token.manage"), "owner": owner, "limit": LIMIT})


@login_required
@require_POST
def revoke(request, pk: int):
    try:
        token = revoke_token(request.access, pk)
    except ApiToken.DoesNotExist:
        raise Http404(_("No active token with id %(id)s.") % {"id": pk}) from None
    messages.success(request, _("Token “%(name)s” of %(user)s revoked; it no longer opens the API.") % {
        "name": token.name, "user": token.user.username})
    return redirect("account-tokens")
