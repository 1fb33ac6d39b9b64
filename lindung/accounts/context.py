from .access import PERMISSIONS


def access(request):
    """`can.worker_create` etc. in templates: the access layer's answers, for showing links only."""
    acc = getattr(request, "access", None)
    if acc is None:
        return {}
    return {"can": {name.replace(".", "_"): acc.can(name) for name in PERMISSIONS}}
