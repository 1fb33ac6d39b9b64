"""What the layout needs on every page: which actions to offer and the way back.

Each answer is a callable the template calls only when it is rendered, so a page that does not show the
funding tabs does not pay for the funder look-up. The answers come from the access layer and the
domain's own scope functions: a tab appears only when the action behind it would be allowed.
"""

from django.utils.http import url_has_allowed_host_and_scheme

from lindung.funding.scope import proposable_funders

# Roles that work with the REST API (integrations, scripts, reports); the others are not offered the link.
API_ROLES = {"national_admin", "branch_officer", "regional_operator"}


def navigation(request):
    access = getattr(request, "access", None)

    def propose_list() -> bool:
        return bool(access and access.can("sponsorship.propose") and proposable_funders(access))

    def api_docs() -> bool:
        return bool(access and access.role in API_ROLES)

    def tokens() -> bool:
        """The API tokens page is offered to those who manage tokens and to anyone who holds one."""
        return bool(access and access.role and (access.can("token.manage") or request.user.api_tokens.exists()))

    def back_url() -> str:
        """The page the user came from, when it is one of ours and not this one."""
        referer = request.META.get("HTTP_REFERER", "")
        if (referer and referer != request.build_absolute_uri()
                and url_has_allowed_host_and_scheme(referer, allowed_hosts={request.get_host()},
                                                    require_https=request.is_secure())):
            return referer
        return ""

    return {"may": {"propose_list": propose_list, "api_docs": api_docs, "tokens": tokens}, "back_url": back_url}
