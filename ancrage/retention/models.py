"""The record of every retention run (ADR 9): when, dry or applied, and what it changed."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RetentionRunQuerySet(models.QuerySet["RetentionRun"]):
    def applied(self) -> "RetentionRunQuerySet":
        return self.filter(dry_run=False)


class RetentionRun(models.Model):
    """One run of the retention job. ``report`` holds counts and ids only, never personal data:
    ``{"today", "cutoff", "grace_days", "archived": {"count", "ids"}, "anonymised": {"count", "ids"},
    "rows": {"<app_label.model>": {"changed": n, "deleted": n}}, "files_deleted": n,
    "open_pathways_kept": n}``."""

    started_at = models.DateTimeField(_("commencé le"), auto_now_add=True)
    finished_at = models.DateTimeField(_("terminé le"), null=True, blank=True)
    today = models.DateField(_("date de référence"))
    dry_run = models.BooleanField(_("essai à blanc"), default=True)
    trigger = models.CharField(_("déclenché par"), max_length=10, default="command")  # command, task
    report = models.JSONField(_("compte rendu"), default=dict, blank=True)

    objects = RetentionRunQuerySet.as_manager()

    class Meta:
        verbose_name = _("passage de la conservation")
        verbose_name_plural = _("passages de la conservation")
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"{self.today:%Y-%m-%d} ({'dry' if self.dry_run else 'applied'})"
