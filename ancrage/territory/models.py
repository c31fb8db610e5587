from django.db import models
from django.utils.translation import gettext_lazy as _

from ancrage.core.validators import validate_insee_code


class Territory(models.Model):
    """A territory served by one deployment (an EPCI such as Rennes Métropole). A territory is data."""

    name = models.CharField(_("nom"), max_length=200)
    siren = models.CharField(_("SIREN de l'EPCI"), max_length=9, blank=True)
    departement = models.CharField(_("département"), max_length=3)
    cog_vintage = models.PositiveSmallIntegerField(_("millésime du COG"))

    class Meta:
        verbose_name = _("territoire")
        verbose_name_plural = _("territoires")

    def __str__(self) -> str:
        return self.name


class Commune(models.Model):
    insee_code = models.CharField(_("code INSEE"), max_length=5, primary_key=True, validators=[validate_insee_code])
    name = models.CharField(_("nom"), max_length=200)
    territory = models.ForeignKey(Territory, on_delete=models.PROTECT, related_name="communes")
    boundary = models.JSONField(_("contour (GeoJSON, WGS84)"), null=True, blank=True)
    latitude = models.FloatField(_("latitude du centre"), null=True, blank=True)
    longitude = models.FloatField(_("longitude du centre"), null=True, blank=True)

    class Meta:
        verbose_name = _("commune")
        verbose_name_plural = _("communes")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.insee_code})"
