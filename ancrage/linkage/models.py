"""Record linkage across partners (ADR 8): candidate pairs, decisions, merges and pseudonymous clusters.

A *candidate* is a pair of records the linkage model scores as probably the same person. A reviewer
who may see both records decides (*same person* / *not the same*), and may merge them
(``linkage.merge.person_merge``, undoable). Pairs whose records no single organisation may see are
never shown to anyone: they only feed the *clusters*, the pseudonymous groups the contract's figures
count once.
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from ancrage.organisations.models import Organisation
from ancrage.persons.models import Person


class LinkageModel(models.Model):
    """A Splink model trained (unsupervised) on the territory's own records; the newest active one scores."""

    trained_at = models.DateTimeField(_("entraîné le"), auto_now_add=True)
    # The Splink settings with the estimated m and u probabilities (``linker.misc.save_model_to_json``).
    settings = models.JSONField(_("paramètres"))
    training_records = models.PositiveIntegerField(_("fiches d'entraînement"))
    # Probability from which a pair is proposed for review, and from which it joins a cluster.
    review_threshold = models.FloatField(_("seuil de proposition"), default=0.8)
    cluster_threshold = models.FloatField(_("seuil de regroupement"), default=0.95)
    summary = models.JSONField(_("résumé"), default=dict, blank=True)
    is_active = models.BooleanField(_("actif"), default=True)

    class Meta:
        verbose_name = _("modèle de rapprochement")
        verbose_name_plural = _("modèles de rapprochement")
        ordering = ["-trained_at", "-id"]

    def __str__(self) -> str:
        return f"{self.trained_at:%d/%m/%Y %H:%M}"


class CandidateSource(models.TextChoices):
    DAILY = "daily", _("Recherche quotidienne")
    IMPORT = "import", _("Import de tableur")
    CREATE = "create", _("Création d'un dossier")


class CandidateStatus(models.TextChoices):
    PENDING = "pending", _("À examiner")
    SAME = "same", _("Même personne")
    DIFFERENT = "different", _("Personnes différentes")


class DuplicateCandidateQuerySet(models.QuerySet["DuplicateCandidate"]):
    def pending(self) -> "DuplicateCandidateQuerySet":
        return self.filter(status=CandidateStatus.PENDING)


class DuplicateCandidate(models.Model):
    """Two records the model scores as probably one person; ``person_a`` has the lower id."""

    person_a = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    person_b = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    match_probability = models.FloatField(_("probabilité"))
    match_weight = models.FloatField(_("poids de concordance"))
    # The evidence, one entry per comparison: {"field", "label", "level", "weight"} (French labels).
    evidence = models.JSONField(_("éléments de comparaison"), default=list)
    model = models.ForeignKey(LinkageModel, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    source = models.CharField(_("trouvé par"), max_length=10, choices=CandidateSource.choices)
    found_at = models.DateTimeField(_("trouvé le"), auto_now_add=True)
    scored_at = models.DateTimeField(_("évalué le"), auto_now=True)
    status = models.CharField(
        _("décision"), max_length=10, choices=CandidateStatus.choices, default=CandidateStatus.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_for = models.ForeignKey(Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(_("décidé le"), null=True, blank=True)
    reason = models.CharField(_("motif"), max_length=255, blank=True)

    objects = DuplicateCandidateQuerySet.as_manager()

    class Meta:
        verbose_name = _("doublon potentiel")
        verbose_name_plural = _("doublons potentiels")
        ordering = ["-match_probability", "id"]
        constraints = [
            models.UniqueConstraint(fields=["person_a", "person_b"], name="duplicate_candidate_unique_pair"),
            models.CheckConstraint(condition=Q(person_a__lt=F("person_b")), name="duplicate_candidate_ordered"),
            models.CheckConstraint(
                condition=Q(status=CandidateStatus.PENDING) | Q(decided_at__isnull=False),
                name="duplicate_candidate_decision_dated",
            ),
        ]
        indexes = [models.Index(fields=["status", "-match_probability"]), models.Index(fields=["person_b"])]

    def __str__(self) -> str:
        return f"{self.person_a_id} ~ {self.person_b_id} ({self.match_probability:.2f})"


def _cluster_key() -> str:
    return secrets.token_hex(8)


class Cluster(models.Model):
    """A pseudonymous group of records of one person: no name, no organisation, a random key."""

    key = models.CharField(max_length=16, unique=True, default=_cluster_key, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("groupe de fiches")
        verbose_name_plural = _("groupes de fiches")

    def __str__(self) -> str:
        return self.key


class ClusterMember(models.Model):
    """A record's cluster; records in no cluster count as themselves (``linkage.counting``)."""

    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="cluster_membership")
    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="members")

    class Meta:
        verbose_name = _("fiche d'un groupe")
        verbose_name_plural = _("fiches d'un groupe")

    def __str__(self) -> str:
        return f"{self.person_id} → {self.cluster_id}"


class PersonMerge(models.Model):
    """One merge of ``absorbed`` into ``kept``, with what it moved, so that it can be undone exactly."""

    kept = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="merges_kept")
    absorbed = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="merges_absorbed")
    candidate = models.ForeignKey(
        DuplicateCandidate, on_delete=models.SET_NULL, null=True, blank=True, related_name="merges"
    )
    merged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    merged_for = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    merged_at = models.DateTimeField(_("fusionné le"), auto_now_add=True)
    # What the merge changed, in order, for the undo: {"kind": "move", "model", "field", "pks", "from", "to",
    # "top"} rows re-pointed to the kept record (``top``: pointed at the absorbed person itself, not at one of
    # its rows); {"kind": "reset", "model", "pks", "was", "set"} fields cleared on rows that would clash
    # (e.g. a second reference identity); {"kind": "fill", "model", "pks", "fields"} empty fields of the kept
    # record filled from the absorbed one.
    moved = models.JSONField(default=list)
    # Rows removed because ``kept`` already had the same (e.g. a nationality): serialised for the undo.
    removed = models.JSONField(default=list)
    reason = models.CharField(_("motif"), max_length=255, blank=True)
    undone_at = models.DateTimeField(_("annulée le"), null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("fusion de dossiers")
        verbose_name_plural = _("fusions de dossiers")
        ordering = ["-merged_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=~Q(kept=F("absorbed")), name="person_merge_distinct_records"),
        ]

    def __str__(self) -> str:
        return f"{self.absorbed_id} → {self.kept_id}"
