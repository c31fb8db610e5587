"""Spreadsheet imports of persons (issue 11): runs, saved mappings, imported lines.

The uploaded file is stored under the private media root (``imports/<org>/<random>.<ext>``), never
served directly: only the rejected lines are offered for download, through an access check.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ancrage.organisations.models import Organisation
from ancrage.persons.models import Person


def _import_path(instance: "ImportRun", filename: str) -> str:
    # Never the uploaded name: a random one under the organisation, with the extension of the upload.
    dot = filename.rfind(".")
    extension = filename[dot:].lower()[:6] if dot >= 0 else ""
    return f"imports/{instance.organisation_id}/{uuid.uuid4().hex}{extension}"


class ImportStatus(models.TextChoices):
    DRAFT = "draft", _("Fichier déposé")
    MAPPED = "mapped", _("Colonnes associées")
    CHECKED = "checked", _("Vérifié (essai à blanc)")
    RUNNING = "running", _("Import en cours")
    DONE = "done", _("Terminé")
    FAILED = "failed", _("Échec")


class DuplicatePolicy(models.TextChoices):
    PROPOSE = "propose", _("Créer et proposer la fusion")
    SKIP = "skip", _("Ne pas importer ces lignes")


class ImportRunQuerySet(models.QuerySet["ImportRun"]):
    def of_organisation(self, organisation_id: int | None) -> "ImportRunQuerySet":
        if organisation_id is None:
            return self.none()
        return self.filter(organisation_id=organisation_id)


class ImportRun(models.Model):
    """One spreadsheet brought in by an organisation, from upload to final report."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    file_name = models.CharField(_("nom du fichier"), max_length=255)
    sha256 = models.CharField(max_length=64)
    file = models.FileField(upload_to=_import_path, max_length=200, blank=True)
    sheet = models.CharField(_("feuille"), max_length=100, blank=True)
    header_line = models.PositiveIntegerField(_("ligne des titres"), null=True, blank=True)
    columns = models.JSONField(_("titres des colonnes"), default=list, blank=True)
    status = models.CharField(_("état"), max_length=10, choices=ImportStatus.choices, default=ImportStatus.DRAFT)
    lines_total = models.PositiveIntegerField(default=0)
    lines_done = models.PositiveIntegerField(default=0)
    # {"<column index>": "<target field>"}
    column_mapping = models.JSONField(default=dict, blank=True)
    # {"<kind>": {"<value key>": "<code>"}}
    value_mapping = models.JSONField(default=dict, blank=True)
    duplicate_policy = models.CharField(max_length=10, choices=DuplicatePolicy.choices, default=DuplicatePolicy.PROPOSE)
    counters = models.JSONField(default=dict, blank=True)
    report = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    checked_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = ImportRunQuerySet.as_manager()

    class Meta:
        verbose_name = _("import de tableur")
        verbose_name_plural = _("imports de tableurs")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["organisation", "-created_at"])]

    def __str__(self) -> str:
        return self.file_name

    @property
    def progress(self) -> int:
        if not self.lines_total:
            return 100 if self.status == ImportStatus.DONE else 0
        return min(100, round(100 * self.lines_done / self.lines_total))

    @property
    def is_pending(self) -> bool:
        return self.status == ImportStatus.RUNNING


class ImportMapping(models.Model):
    """A column mapping saved by an organisation, reused when a new file has the same titles."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("nom"), max_length=100)
    # {"<normalised header title>": "<target field>"}
    columns = models.JSONField(default=dict)
    # {"<kind>": {"<value key>": "<code>"}}
    values = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("correspondance d'import")
        verbose_name_plural = _("correspondances d'import")
        ordering = ["-updated_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["organisation", "name"], name="import_mapping_unique_name")]

    def __str__(self) -> str:
        return self.name


class LineStatus(models.TextChoices):
    CREATED = "created", _("Créée")
    EXISTING = "existing", _("Déjà importée")
    REJECTED = "rejected", _("Refusée")
    DUPLICATE = "duplicate", _("Créée, doublon proposé")
    SKIPPED = "skipped", _("Non importée (doublon probable)")


class ImportedLine(models.Model):
    """One line of a confirmed import: what became of it, and the fingerprint that makes re-imports idempotent."""

    run = models.ForeignKey(ImportRun, on_delete=models.CASCADE, related_name="lines")
    # Denormalised from the run: fingerprints are looked up per organisation.
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    line = models.PositiveIntegerField(_("ligne"))
    status = models.CharField(_("résultat"), max_length=10, choices=LineStatus.choices)
    # [{"column": ..., "value": ..., "message": ...}]
    errors = models.JSONField(default=list, blank=True)
    person = models.ForeignKey(Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    fingerprint = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("ligne importée")
        verbose_name_plural = _("lignes importées")
        ordering = ["run", "line"]
        indexes = [models.Index(fields=["organisation", "fingerprint"])]

    def __str__(self) -> str:
        return f"{self.run_id}:{self.line}"
