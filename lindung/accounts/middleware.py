from django.conf import settings
from django.contrib.auth.middleware import get_user
from django.utils import translation
from django.utils.functional import SimpleLazyObject

from .access import Access


class AccessMiddleware:
    """Puts ``request.access`` on every request, for pages and API alike."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.access = SimpleLazyObject(lambda: Access(request.user))
        return self.get_response(request)


class LanguageMiddleware:
    """One language rule: Indonesian, unless the user chose English.

    The choice is remembered on the account (``User.language``, so it follows the person to another
    device) and, before logging in, in the language cookie set by the language menu. The browser's
    Accept-Language is ignored: a government office's English-language browser still gets the
    documented Indonesian default. The API (``/api/``) has no menu: a script asks for its language with
    Accept-Language, and gets Indonesian when it does not. Replaces Django's LocaleMiddleware. It runs
    right after the session middleware, so that pages drawn by later middleware (a stale form's 403) are
    in the chosen language too; the user it reads is cached for the authentication middleware.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        available = {code for code, _name in settings.LANGUAGES}
        user = get_user(request)
        chosen = getattr(user, "language", "") if getattr(user, "is_authenticated", False) else ""
        if chosen not in available:
            chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        if request.path.startswith("/api/") and request.headers.get("Accept-Language"):
            chosen = translation.get_language_from_request(request)
        language = chosen if chosen in available else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        response.headers.setdefault("Vary", "Cookie")
        return response
