"""The API tokens page: a user's own tokens (created, last used, expiry) and revoking one; an
administrator (``token.manage``) sees, issues and revokes the tokens of the users in his scope."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from lindung.paging import page_of

from .models import ApiToken
from .services import NAME_LENGTH, issue_token, revoke_token, visible_tokens

PER_PAGE = 50


class IssueForm(forms.Form):
    owner = forms.CharField(label=gettext_lazy("User"), max_length=150)
    name = forms.CharField(label=gettext_lazy("Name"), max_length=NAME_LENGTH,
                           help_text=gettext_lazy("What the token is for, e.g. the script that uses it."))
    days = forms.IntegerField(label=gettext_lazy("Valid for (days)"), min_value=1, max_value=3650, required=False,
                              help_text=gettext_lazy("Empty: %(days)s days.") % {"days": settings.LINDUNG_TOKEN_DAYS})

    def __init__(self, *args, access, **kwargs):
        super().__init__(*args, **kwargs)
        self.access = access

    def clean_owner(self):
        username = self.cleaned_data["owner"].strip()
        owner = self.access.token_owners().filter(username=username).first()
        if owner is None:
            raise ValidationError(_("No user %(user)s among those whose tokens you manage.") % {"user": username})
        return owner


@login_required
def tokens(request):
    access = request.access
    manages = access.can("token.manage")
    form, key = None, None
    if manages:
        form = IssueForm(request.POST or None, access=access, initial={"owner": request.user.username})
    if request.method == "POST":
        access.require("token.manage")
        if form.is_valid():
            try:
                key = issue_token(access, form.cleaned_data["owner"], form.cleaned_data["name"],
                                  days=form.cleaned_data["days"])
            except ValidationError as exc:
                form.add_error("name", exc)
        if key:
            form = IssueForm(access=access, initial={"owner": request.user.username})
    rows = visible_tokens(access)
    owner = request.GET.get("user", "").strip()[:150]
    if owner:
        rows = rows.filter(user__username__icontains=owner)
    response = render(request, "accounts/tokens.html", {
        "page": page_of(request, rows, PER_PAGE), "manages": manages, "owner": owner, "form": form,
        "new_key": key, "new_token": ApiToken.objects.get(key_hash=ApiToken.hash(key)) if key else None})
    if key:  # the secret is in this one response only: no browser or proxy may keep it
        response["Cache-Control"] = "no-store"
    return response


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
