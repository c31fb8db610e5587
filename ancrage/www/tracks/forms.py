"""Forms of the four tracks: one spec per kind of item (model, fields, section, label)."""

from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ancrage.directory.models import Service
from ancrage.organisations.actor import Actor
from ancrage.persons.models import SITUATION_STATUSES, Person, Situation, SituationDomain
from ancrage.referrals.selectors import referrals_visible_to
from ancrage.territory.models import Commune
from ancrage.tracks import models as tm
from ancrage.tracks.services import section_of

from ..forms import VersionedFormMixin, dash_empty_choices, date_widgets


@dataclass
class TrackKind:
    slug: str
    model: Any
    fields: list[str]
    label: object
    track: str  # anchor of the tab on the overview page
    single: bool = False  # one per person (edited in place, never deleted from here)
    m2m: list[str] = field(default_factory=list)

    @property
    def section(self) -> str:
        return section_of(self.model)

    @property
    def versioned(self) -> bool:
        return hasattr(self.model, "version")

    def form_class(self) -> type[forms.ModelForm]:
        kind = self
        bases: tuple[type, ...] = (VersionedFormMixin, TrackItemForm) if kind.versioned else (TrackItemForm,)
        meta = type(
            "Meta",
            (),
            {"model": kind.model, "fields": kind.fields, "widgets": date_widgets(kind.model, kind.fields)},
        )
        return type(f"{kind.model.__name__}Form", bases, {"Meta": meta})


class TrackItemForm(forms.ModelForm):
    """Querysets restricted to the person (and to what the actor sees), « — » for empty choices."""

    def __init__(self, *args, person: Person, actor: Actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.person, self.actor = person, actor
        fields = self.fields
        if "version" in fields and self.instance.pk is None:
            fields["version"].required = False  # a first record has no version to compare with
        if "commune" in fields:
            fields["commune"].queryset = Commune.objects.all()
        if "desired_communes" in fields:
            fields["desired_communes"].queryset = Commune.objects.all()
            fields["desired_communes"].help_text = _("Maintenez Ctrl (ou Cmd) pour en choisir plusieurs.")
        if "request" in fields:
            fields["request"].queryset = tm.SocialHousingRequest.objects.filter(person=person)
            fields["request"].label = _("demande de logement social concernée")
        if "service" in fields:
            fields["service"].queryset = Service.objects.select_related("structure").order_by("name")
        if "referral" in fields:
            fields["referral"].queryset = (
                referrals_visible_to(actor).filter(person=person).select_related("service").order_by("-created_at")
            )
            fields["referral"].label_from_instance = lambda r: f"{r.service.name} ({r.created_at:%d/%m/%Y})"
        if "status" in fields and self._meta.model is Situation:
            fields["status"] = forms.ChoiceField(
                label=_("Situation"),
                choices=[("", "—")] + [(c, str(label)) for c, label in SITUATION_STATUSES[SituationDomain.HOUSING]],
            )
        if "benefits" in fields:
            fields["benefits"] = forms.MultipleChoiceField(
                label=_("Prestations ouvertes"),
                required=False,
                choices=tm.CafBenefit.choices,
                widget=forms.CheckboxSelectMultiple,
            )
        dash_empty_choices(self)


TRACK_KINDS: dict[str, TrackKind] = {
    k.slug: k
    for k in [
        TrackKind(
            "situation-logement",
            Situation,
            ["status", "start_date", "end_date", "commune", "details"],
            _("Situation de logement"),
            "logement",
        ),
        TrackKind(
            "siao",
            tm.SiaoRequest,
            ["kind", "requested_on", "status", "decided_on", "outcome"],
            _("Demande SIAO"),
            "logement",
        ),
        TrackKind(
            "logement-social",
            tm.SocialHousingRequest,
            [
                "sne_number",
                "requested_on",
                "last_renewed_on",
                "household_size",
                "desired_communes",
                "status",
                "closed_on",
            ],
            _("Demande de logement social"),
            "logement",
            m2m=["desired_communes"],
        ),
        TrackKind(
            "proposition",
            tm.HousingOffer,
            [
                "request",
                "landlord",
                "commune",
                "typology",
                "rent",
                "offered_on",
                "decision",
                "decided_on",
                "refusal_reason",
            ],
            _("Proposition de logement"),
            "logement",
        ),
        TrackKind(
            "mobilite",
            tm.MobilityCandidacy,
            ["submitted_on", "status", "proposed_place", "moved_on"],
            _("Candidature à la mobilité nationale"),
            "logement",
        ),
        TrackKind(
            "prolongation",
            tm.StayExtension,
            ["kind", "granted_on", "months"],
            _("Prolongation de séjour"),
            "logement",
        ),
        TrackKind(
            "sante",
            tm.HealthCoverage,
            [
                "puma_status",
                "puma_requested_on",
                "puma_opened_on",
                "css_status",
                "css_requested_on",
                "css_opened_on",
                "css_expires_on",
                "gp_declared_on",
                "checkup_done_on",
                "interpreting_needed",
            ],
            _("Couverture santé"),
            "sante",
            single=True,
        ),
        TrackKind(
            "formation-civique",
            tm.CivicTraining,
            ["session", "attended_on"],
            _("Journée de formation civique"),
            "langue",
        ),
        TrackKind(
            "prescription",
            tm.LanguagePrescription,
            ["prescribed_on", "hours", "target_level"],
            _("Prescription linguistique"),
            "langue",
        ),
        TrackKind(
            "cours",
            tm.LanguageCourse,
            ["title", "service", "referral", "start_on", "end_on", "hours", "status"],
            _("Cours de français"),
            "langue",
        ),
        TrackKind(
            "caf",
            tm.CafFile,
            ["number", "registered_on", "benefits"],
            _("Dossier CAF"),
            "droits",
            single=True,
        ),
        TrackKind(
            "banque",
            tm.BankAccount,
            ["step", "refused_on", "bdf_requested_on", "designated_on", "opened_on", "bank_name"],
            _("Compte bancaire"),
            "droits",
            single=True,
        ),
    ]
}
