"""The sections of a person's record, the unit of sharing.

A grant lists the sections an organisation may see; the sender of a referral or a consent chooses
them, minimal by default.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Section(models.TextChoices):
    IDENTITY = "identity", _("Identité")
    CONTACT = "contact", _("Coordonnées et commune")
    FAMILY = "family", _("Foyer et famille")
    PROTECTION = "protection", _("Protection et titres de séjour")
    LANGUAGE = "language", _("Langues et niveau de français")
    PATHWAY = "pathway", _("Parcours, diagnostic et plan")
    JOURNAL = "journal", _("Journal (notes partagées)")
    APPOINTMENTS = "appointments", _("Rendez-vous")
    SITUATIONS = "situations", _("Situations (logement, emploi, formation)")
    EMPLOYMENT = "employment", _("Profil professionnel (diplômes, expériences, candidatures)")
    HEALTH = "health", _("Santé (couverture et orientations)")


ALL_SECTIONS: frozenset[str] = frozenset(Section.values)
# Without the identity section nothing else makes sense: every grant carries it.
MINIMAL_SECTIONS: frozenset[str] = frozenset({Section.IDENTITY})
