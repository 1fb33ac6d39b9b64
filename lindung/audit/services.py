from django.db import models

from .models import Action, AuditEntry


def record(actor, action: str, obj: models.Model, *, region_code: str = "", summary: str = "",
           changes: dict | None = None) -> AuditEntry:
    return AuditEntry.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action, target_type=obj._meta.label_lower, target_id=str(obj.pk),
        region_code=region_code, summary=summary[:300], changes=changes or {},
    )


def diff(before: dict, after: dict) -> dict:
    """Field changes as {field: [old, new]}, values made JSON-safe."""
    return {k: [_safe(before.get(k)), _safe(v)] for k, v in after.items() if before.get(k) != v}


def _safe(value):
    return value if value is None or isinstance(value, (str, int, float, bool, list, dict)) else str(value)


def trail(obj: models.Model):
    return AuditEntry.objects.filter(target_type=obj._meta.label_lower, target_id=str(obj.pk)).select_related("actor")


__all__ = ["Action", "record", "diff", "trail"]
