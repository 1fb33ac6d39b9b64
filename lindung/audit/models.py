"""Audit trail: who created, changed, approved or looked at what, and when (UU 27/2022)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lindung.formatting import moment


class Action(models.TextChoices):
    CREATE = "create", _("created")
    UPDATE = "update", _("changed")
    DELETE = "delete", _("deleted")
    VIEW = "view", _("viewed personal data")
    EXPORT = "export", _("exported")
    APPROVE = "approve", _("approved")
    OTHER = "other", _("other")


class AuditEntry(models.Model):
    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("who"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    target_type = models.CharField(_("object type"), max_length=40)
    target_id = models.CharField(_("object id"), max_length=40)
    # The region the object belongs to, so the trail can be scoped like the object itself.
    region_code = models.CharField(max_length=10, blank=True, db_index=True)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id", "at"], name="audit_target")]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")

    def __str__(self):
        return f"{moment(self.at)} {self.actor} {self.action} {self.target_type}:{self.target_id}"


class AuditSubject(models.Model):
    """One object an entry concerns besides its target: the workers a list, API page or export showed.

    A bulk disclosure is one ``AuditEntry`` with one subject row per worker, so it is written once and
    still found on each worker's own trail.
    """

    # Kept by Django (cascade), without a database foreign key: on PostgreSQL the entries are
    # partitioned by month and their key in SQL is (id, at), which a reference to id alone cannot name.
    entry = models.ForeignKey(AuditEntry, on_delete=models.CASCADE, related_name="subjects", db_constraint=False)
    target_type = models.CharField(_("object type"), max_length=40)
    target_id = models.CharField(_("object id"), max_length=40)

    class Meta:
        indexes = [models.Index(fields=["target_type", "target_id"], name="audit_subject_target")]
        verbose_name = _("audit subject")
        verbose_name_plural = _("audit subjects")
