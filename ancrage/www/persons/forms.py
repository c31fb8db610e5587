from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from ancrage.access.models import Consent
from ancrage.access.sections import HINTS, Section, section_of_item, situation_domains_in
from ancrage.organisations.models import Membership, Organisation, Role
from ancrage.pathways.models import Appointment, Confidentiality, Programme
from ancrage.persons import models as pm
from ancrage.territory.models import Commune

from ..forms import DateInput, DateTimeInput, VersionedFormMixin, dash_empty_choices, date_widgets


class PersonSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Nom ou prénom"),
        required=False,
        max_length=100,
        help_text=_("Toutes les graphies sont cherchées : Mohammed trouve aussi Muhammad et محمد."),
    )
    mine = forms.BooleanField(label=_("Seulement les personnes dont je suis référent"), required=False)
    programme = forms.ChoiceField(label=_("Programme"), required=False, choices=[("", _("Tous"))] + Programme.choices)
    status = forms.ChoiceField(label=_("Étape du parcours"), required=False)
    commune = forms.ModelChoiceField(
        label=_("Commune"), required=False, queryset=Commune.objects.all(), empty_label=_("Toutes")
    )

    def __init__(self, *args, **kwargs):
        from ancrage.pathways.models import PathwayStatus

        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [
            ("", _("Toutes")),
            ("open", _("En cours (non sortis)")),
        ] + PathwayStatus.choices


class PersonFieldsForm(forms.ModelForm):
    class Meta:
        model = pm.Person
        fields = [
            "sex",
            "birth_date",
            "birth_date_precision",
            "birth_country",
            "birth_place",
            "phone",
            "email",
            "address",
            "commune",
            "interpreting_needed",
            "interpreting_language",
        ]
        widgets = {"birth_date": DateInput()}
        help_texts = {
            "birth_date_precision": _("Si seule l'année est connue, saisissez le 1er janvier de cette année."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["birth_country"] = forms.ChoiceField(
            label=_("Pays de naissance"),
            required=False,
            choices=[("", "—")] + [c for c in pm.nationality_choices() if c[0] not in ("XXA", "XXX")],
        )
        self.fields["interpreting_language"] = forms.ChoiceField(
            label=_("Langue d'interprétariat"), required=False, choices=[("", "—")] + pm.language_choices()
        )
        self.fields["commune"].queryset = Commune.objects.all()
        dash_empty_choices(self)

    def clean(self):
        cleaned = super().clean()
        birth = cleaned.get("birth_date")
        if birth and birth > timezone.localdate():
            self.add_error("birth_date", _("La date de naissance ne peut pas être dans le futur."))
        elif birth and birth.year < 1900:
            self.add_error("birth_date", _("Vérifiez l'année de naissance."))
        if cleaned.get("interpreting_needed") and not cleaned.get("interpreting_language"):
            self.add_error("interpreting_language", _("Indiquez la langue d'interprétariat."))
        return cleaned


class PersonEditForm(VersionedFormMixin, PersonFieldsForm):
    class Meta(PersonFieldsForm.Meta):
        # The CIR (signed with the OFII) opens the AGIR programme: its date drives the first interview.
        fields = [*PersonFieldsForm.Meta.fields, "cir_signed_on", "cir_ofii_directorate"]
        widgets = {**PersonFieldsForm.Meta.widgets, "cir_signed_on": DateInput()}

    def clean_cir_signed_on(self):
        day = self.cleaned_data.get("cir_signed_on")
        if day and day > timezone.localdate():
            raise ValidationError(_("La date de signature du CIR ne peut pas être dans le futur."))
        return day


class PersonCreateForm(PersonFieldsForm):
    """A new person: reference identity, first facts, and the pathway that opens in my organisation."""

    last_name = forms.CharField(label=_("Nom (en caractères latins)"), max_length=150)
    first_names = forms.CharField(label=_("Prénoms"), max_length=200, required=False)
    identity_source = forms.ChoiceField(
        label=_("Source de l'identité"), choices=pm.IdentitySource.choices, initial=pm.IdentitySource.DECLARED
    )
    nationality = forms.ChoiceField(label=_("Nationalité"), required=False)
    programme = forms.ChoiceField(label=_("Programme d'accompagnement"), choices=Programme.choices)
    entry_date = forms.DateField(label=_("Date d'entrée dans le parcours"), widget=DateInput())
    referent = forms.ModelChoiceField(label=_("Référent"), queryset=None, required=False)
    oriented_by = forms.CharField(
        label=_("Orienté par"), max_length=150, required=False, help_text=_("Par exemple : OFII, CADA de Rennes, CCAS.")
    )

    field_order = [
        "last_name",
        "first_names",
        "identity_source",
        "sex",
        "birth_date",
        "birth_date_precision",
        "nationality",
        "birth_country",
        "commune",
        "phone",
        "email",
        "address",
        "interpreting_needed",
        "interpreting_language",
        "programme",
        "entry_date",
        "referent",
        "oriented_by",
    ]

    def __init__(self, *args, organisation: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["nationality"].choices = [("", "—")] + pm.nationality_choices()
        self.fields["referent"].queryset = referents_of(organisation)
        self.fields["entry_date"].initial = timezone.localdate()

    def clean_entry_date(self):
        entry = self.cleaned_data["entry_date"]
        if entry > timezone.localdate():
            raise ValidationError(_("La date d'entrée ne peut pas être dans le futur."))
        return entry


def referents_of(organisation: Organisation):
    from ancrage.organisations.models import User

    return User.objects.filter(
        memberships__in=Membership.objects.active().filter(
            organisation=organisation, role__in=[Role.REFERENT, Role.ORG_ADMIN]
        )
    ).order_by("last_name", "first_name")


def members_of(organisation: Organisation):
    from ancrage.organisations.models import User

    return User.objects.filter(memberships__in=Membership.objects.active().filter(organisation=organisation)).order_by(
        "last_name", "first_name"
    )


# --- items of the record's histories -------------------------------------------------------------


class ItemKind:
    """A kind of item in the record (identity, protection...): its model, fields and section.

    ``section`` is None for the situation history: each situation belongs to the section of its
    domain (``access.sections.CONTENTS``), so the viewer edits only the domains they see.
    """

    def __init__(self, slug, model, fields, section, label, choice_fields=None, list_attr=None):
        self.slug, self.model, self.fields, self.section, self.label = slug, model, fields, section, label
        self.choice_fields = choice_fields or {}
        self.list_attr = list_attr

    @property
    def by_domain(self) -> bool:
        return self.section is None

    def visible_in(self, sections: frozenset[str]) -> bool:
        """Whether the viewer of these sections sees some items of this kind."""
        if self.by_domain:
            return bool(situation_domains_in(sections))
        return self.section in sections

    def section_for(self, item) -> str:
        return section_of_item(item) if self.by_domain else self.section

    @property
    def anchor(self) -> str:
        """The place of the kind on the record page (persons/detail.html)."""
        return "situations" if self.by_domain else self.section

    def queryset(self, person, sections: frozenset[str]):
        """The person's items of this kind that the viewer of these sections sees."""
        queryset = self.model.objects.filter(person=person)
        if self.by_domain:
            queryset = queryset.filter(domain__in=situation_domains_in(sections))
        return queryset

    def form_class(self, sections: frozenset[str] | None = None) -> type[forms.ModelForm]:
        kind = self
        domains = situation_domains_in(sections or frozenset()) if self.by_domain else []

        class ItemForm(forms.ModelForm):
            class Meta:
                model = kind.model
                fields = kind.fields
                widgets = date_widgets(kind.model, kind.fields)

            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                for name, choices in kind.choice_fields.items():
                    field = self.fields[name]
                    self.fields[name] = forms.ChoiceField(
                        label=field.label,
                        required=field.required,
                        choices=[("", "—")] + (choices(domains) if kind.by_domain else choices()),
                        help_text=field.help_text,
                    )
                if kind.by_domain:
                    # Only the domains whose section the viewer sees can be chosen.
                    self.fields["domain"].choices = [("", "—")] + [
                        (d, label) for d, label in pm.SituationDomain.choices if d in domains
                    ]
                if "commune" in self.fields:
                    self.fields["commune"].queryset = Commune.objects.all()
                dash_empty_choices(self)

        ItemForm.__name__ = f"{kind.model.__name__}Form"
        return ItemForm


def _situation_status_choices(domains):
    return [
        (str(pm.SituationDomain(domain).label), [(code, str(label)) for code, label in statuses])
        for domain, statuses in pm.SITUATION_STATUSES.items()
        if domain in domains
    ]


ITEM_KINDS: dict[str, ItemKind] = {
    k.slug: k
    for k in [
        ItemKind(
            "identite",
            pm.Identity,
            ["last_name", "first_names", "script", "source", "is_reference"],
            Section.IDENTITY,
            _("Identité"),
        ),
        ItemKind(
            "nationalite",
            pm.Nationality,
            ["code"],
            Section.IDENTITY,
            _("Nationalité"),
            {"code": pm.nationality_choices},
        ),
        ItemKind(
            "langue",
            pm.PersonLanguage,
            ["code", "proficiency"],
            Section.LANGUAGE,
            _("Langue parlée"),
            {"code": pm.language_choices},
        ),
        ItemKind(
            "niveau-francais",
            pm.FrenchAssessment,
            ["assessed_on", "level", "skill", "kind", "test_name"],
            Section.LANGUAGE,
            _("Niveau de français"),
        ),
        ItemKind(
            "protection",
            pm.Protection,
            ["type", "deciding_body", "decision_date", "notification_date", "ofpra_number", "end_date"],
            Section.PROTECTION,
            _("Protection"),
        ),
        ItemKind(
            "titre",
            pm.ResidenceDocument,
            ["kind", "mention", "number", "issue_date", "expiry_date"],
            Section.PROTECTION,
            _("Titre de séjour"),
        ),
        ItemKind(
            "famille",
            pm.FamilyMemberAbroad,
            [
                "first_names",
                "last_name",
                "relationship",
                "birth_date",
                "country",
                "declared_to_ofpra",
                "visa_status",
                "visa_application_date",
                "consulate",
                "arrival_date",
            ],
            Section.FAMILY,
            _("Membre de la famille à l'étranger"),
            {"country": pm.nationality_choices},
        ),
        ItemKind(
            "situation",
            pm.Situation,
            ["domain", "status", "start_date", "end_date", "details", "commune"],
            None,  # the section of each situation's domain
            _("Situation"),
            {"status": _situation_status_choices},
        ),
    ]
}


class HouseholdMemberForm(forms.ModelForm):
    class Meta:
        model = pm.HouseholdMember
        fields = ["first_names", "last_name", "relationship", "birth_date"]
        widgets = {"birth_date": DateInput()}


class NoteForm(forms.Form):
    body = forms.CharField(
        label=_("Note"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=10000,
        help_text=_("Faits utiles au suivi. Jamais le récit d'asile, ni de contenu médical."),
    )
    confidentiality = forms.ChoiceField(
        label=_("Visibilité"),
        choices=Confidentiality.choices,
        initial=Confidentiality.ORGANISATION,
        widget=forms.RadioSelect,
    )


class AppointmentForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = Appointment
        fields = ["subject", "starts_at", "ends_at", "location", "with_user", "interpreter_needed", "status"]
        widgets = {"starts_at": DateTimeInput(), "ends_at": DateTimeInput()}

    def __init__(self, *args, organisation: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["with_user"].queryset = members_of(organisation)
        if not self.instance.pk:
            self.fields["version"].required = False
            del self.fields["status"]

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("starts_at"), cleaned.get("ends_at")
        if start and end and end <= start:
            self.add_error("ends_at", _("La fin du rendez-vous doit suivre son début."))
        return cleaned


def section_choices(*, can_share_health: bool) -> list[tuple[str, str]]:
    """The sections one may share (identity always is), each with what it holds as a hint."""
    return [
        (code, format_html('{}<span class="fr-hint-text">{}</span>', label, HINTS[code]))
        for code, label in Section.choices
        if code != Section.IDENTITY and (code != Section.HEALTH or can_share_health)
    ]


class ConsentForm(forms.Form):
    recipients = forms.ModelMultipleChoiceField(
        label=_("Organisations destinataires"),
        queryset=Organisation.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    sections = forms.MultipleChoiceField(
        label=_("Rubriques partagées"),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Partagez le strict nécessaire. L'identité est toujours partagée."),
    )
    purpose = forms.CharField(
        label=_("Finalité du partage"), max_length=255, help_text=_("Par exemple : inscription à France Travail.")
    )
    given_on = forms.DateField(label=_("Consentement recueilli le"), widget=DateInput())
    method = forms.ChoiceField(
        label=_("Modalité"), choices=Consent.Method.choices, widget=forms.RadioSelect, initial=Consent.Method.WRITTEN
    )
    confirm = forms.BooleanField(
        label=_(
            "La personne a été informée de ce partage et y consent ; elle sait qu'elle peut le retirer à tout moment."
        )
    )

    def __init__(self, *args, organisation: Organisation, can_share_health: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recipients"].queryset = Organisation.objects.active().exclude(pk=organisation.pk)
        self.fields["recipients"].widget = forms.SelectMultiple(attrs={"size": 8})
        self.fields["recipients"].help_text = _("Maintenez Ctrl (ou Cmd) pour en choisir plusieurs.")
        self.fields["sections"].choices = section_choices(can_share_health=can_share_health)
        self.fields["given_on"].initial = timezone.localdate()

    def clean_given_on(self):
        given = self.cleaned_data["given_on"]
        if given > timezone.localdate():
            raise ValidationError(_("Le consentement ne peut pas être daté dans le futur."))
        return given
