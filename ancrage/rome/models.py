"""ROME v4 reference data: the job fiches (*fiches métier*) and their appellations.

A ROME code reads ``F1703``: the letter is the family (*grand domaine*, F = construction), the first
three characters the domain (*domaine professionnel*, F17 = civil engineering and public works), the
whole code the fiche. Since ROME 4.0 a fiche may also hang under a *parent* fiche (same trade, another
specialisation); a fiche without a parent is its own parent.
"""

from functools import lru_cache

from django.db import models
from django.utils.translation import gettext_lazy as _

from ancrage.core.text import fold


class RomeFamily(models.TextChoices):
    """The fourteen families (*grands domaines*) of the ROME, named as France Travail names them."""

    A = "A", _("Agriculture et pêche, espaces naturels et espaces verts, soins aux animaux")
    B = "B", _("Arts et façonnage d'ouvrages d'art")
    C = "C", _("Banque, assurance, immobilier")
    D = "D", _("Commerce, vente et grande distribution")
    E = "E", _("Communication, média et multimédia")
    F = "F", _("Construction, bâtiment et travaux publics")
    G = "G", _("Hôtellerie-restauration, tourisme, loisirs et animation")
    H = "H", _("Industrie")
    I = "I", _("Installation et maintenance")  # noqa: E741 - the ROME's own letter
    J = "J", _("Santé")
    K = "K", _("Services à la personne et à la collectivité")
    L = "L", _("Spectacle")
    M = "M", _("Support à l'entreprise")
    N = "N", _("Transport et logistique")


class RomeOccupation(models.Model):
    """A ROME fiche (*fiche métier*), e.g. F1703 « Maçon / Maçonne »."""

    code = models.CharField(_("code ROME"), max_length=5, unique=True)
    label = models.CharField(_("libellé"), max_length=200)
    parent_code = models.CharField(
        _("code ROME parent"),
        max_length=5,
        help_text=_("La fiche parente dans le ROME 4 ; le code lui-même quand la fiche n'en a pas."),
    )
    domain = models.CharField(_("domaine professionnel"), max_length=3, editable=False)
    family = models.CharField(_("grand domaine"), max_length=1, choices=RomeFamily.choices, editable=False)
    ogr_code = models.PositiveIntegerField(_("code OGR de la fiche"), null=True, blank=True)
    version = models.CharField(_("version du ROME"), max_length=10)

    class Meta:
        verbose_name = _("fiche ROME")
        verbose_name_plural = _("fiches ROME")
        ordering = ["code"]
        indexes = [models.Index(fields=["parent_code"]), models.Index(fields=["domain"])]

    def __str__(self) -> str:
        return f"{self.code} — {self.label}"

    def save(self, *args, **kwargs) -> None:
        self.derive_fields()
        super().save(*args, **kwargs)

    def derive_fields(self) -> None:
        """Domain and family are read off the code: kept as columns so matching can filter on them."""
        self.domain, self.family = self.code[:3], self.code[:1]
        self.parent_code = self.parent_code or self.code


class RomeAppellation(models.Model):
    """A job title under a fiche (e.g. « Cariste d'entrepôt » under N1101), what people search for."""

    code_ogr = models.PositiveIntegerField(_("code OGR"), unique=True)
    label = models.CharField(_("libellé"), max_length=250)
    short_label = models.CharField(_("libellé court"), max_length=250, blank=True)
    occupation = models.ForeignKey(
        RomeOccupation, verbose_name=_("fiche ROME"), on_delete=models.PROTECT, related_name="appellations"
    )
    # The appellation file gives its own parent fiche, which differs from its fiche's parent for about
    # 400 appellations (v4.60): kept as published.
    parent_code = models.CharField(_("code ROME parent de l'appellation"), max_length=5, blank=True)
    rarely_used = models.BooleanField(_("peu usitée"), default=False)
    # Both labels folded (ASCII, lower case, words between single spaces, padded with a space at each end)
    # so that " word" finds a word start whatever the accents and case typed.
    search_key = models.TextField(default="", editable=False)
    version = models.CharField(_("version du ROME"), max_length=10)

    class Meta:
        verbose_name = _("appellation ROME")
        verbose_name_plural = _("appellations ROME")
        ordering = ["label"]
        indexes = [models.Index(fields=["rarely_used", "label"])]

    def __str__(self) -> str:
        return self.label

    def save(self, *args, **kwargs) -> None:
        self.search_key = appellation_search_key(self.label, self.short_label)
        super().save(*args, **kwargs)


@lru_cache(maxsize=20_000)
def _fold_word(word: str) -> str:
    return fold(word)


def _fold_label(label: str) -> str:
    """``fold(label)``, word by word through a cache: folding is per character, and the 13,000
    labels share few words, so a load folds each once instead of spending a second in Unidecode."""
    return " ".join(filter(None, (_fold_word(word) for word in label.split())))


def appellation_search_key(label: str, short_label: str = "") -> str:
    """The folded words of both labels, padded with spaces (the short label only when it differs)."""
    folded = _fold_label(label)
    short = _fold_label(short_label) if short_label and short_label != label else ""
    if short and short != folded:
        folded = f"{folded} {short}"
    return f" {folded} "
