"""Security headers Django does not set itself: the Content-Security-Policy.

Lindung serves every page, script, style, font and image itself (no CDN), and its pages carry no
inline script or style attribute, so the policy can be strict: everything from this site only,
nothing framed, forms posted only here. The interactive API documentation (Swagger UI, served from
django-ninja's own static files) writes styles at run time, so that one page also allows inline styles.
A single static header needs no nonces, which is why this is a few lines rather than a dependency.
HSTS and secure cookies are Django settings (``LINDUNG_SECURE_COOKIES``, ``LINDUNG_HSTS_SECONDS``).
"""

POLICY = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
          "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")
DOCS_POLICY = POLICY.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
DOCS_PATHS = ("/api/v1/docs",)


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            docs = request.path.startswith(DOCS_PATHS)
            response["Content-Security-Policy"] = DOCS_POLICY if docs else POLICY
        return response
