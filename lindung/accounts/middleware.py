from django.utils.functional import SimpleLazyObject

from .access import Access


class AccessMiddleware:
    """Puts ``request.access`` on every request, for pages and API alike."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.access = SimpleLazyObject(lambda: Access(request.user))
        return self.get_response(request)
