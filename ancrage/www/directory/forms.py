from django import forms
from django.utils.translation import gettext_lazy as _

from ancrage.core.enums import CEFRLevel
from ancrage.directory.models import (
    CATEGORIE_LABELS,
    FRAIS_CHOICES,
    MODE_ACCUEIL_CHOICES,
    MODE_MOBILISATION_CHOICES,
    PUBLIC_CHOICES,
    THEMATIQUE_CHOICES,
    TYPE_CHOICES,
    Service,
)
from ancrage.persons.models import ProtectionType, language_choices
from ancrage.territory.models import Commune


def thematique_filter_choices() -> list:
    """Each category, then its thématiques: a category selects all of them."""
    grouped: list = [("", _("Toutes"))]
    for category, category_label in CATEGORIE_LABELS.items():
        options = [(category, _("%(category)s (toute la catégorie)") % {"category": category_label})]
        options += [(code, label) for code, label in THEMATIQUE_CHOICES if code.startswith(category + "--")]
        grouped.append((category_label, options))
    return grouped


def _grouped_thematiques() -> list:
    return [
        (label, [(code, t) for code, t in THEMATIQUE_CHOICES if code.startswith(category + "--")])
        for category, label in CATEGORIE_LABELS.items()
    ]


class ServiceSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Recherche libre"),
        required=False,
        max_length=100,
        help_text=_("Nom du service, de la structure ou mot de la description ; les accents sont facultatifs."),
    )
    thematique = forms.ChoiceField(label=_("Thématique"), required=False)
    commune = forms.ModelChoiceField(
        label=_("Commune"), required=False, queryset=Commune.objects.all(), empty_label=_("Toutes")
    )
    public = forms.ChoiceField(label=_("Public"), required=False)
    language = forms.ChoiceField(label=_("Langue parlée"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["thematique"].choices = thematique_filter_choices()
        self.fields["public"].choices = [("", _("Tous"))] + PUBLIC_CHOICES
        self.fields["language"].choices = [("", _("Toutes"))] + language_choices()


class ServiceForm(forms.ModelForm):
    thematiques = forms.MultipleChoiceField(
        label=_("Thématiques"), choices=[], widget=forms.SelectMultiple(attrs={"size": 10})
    )
    publics = forms.MultipleChoiceField(
        label=_("Publics"), required=False, choices=PUBLIC_CHOICES, widget=forms.CheckboxSelectMultiple
    )
    types = forms.MultipleChoiceField(
        label=_("Types de service"), required=False, choices=TYPE_CHOICES, widget=forms.CheckboxSelectMultiple
    )
    modes_accueil = forms.MultipleChoiceField(
        label=_("Modes d'accueil"), required=False, choices=MODE_ACCUEIL_CHOICES, widget=forms.CheckboxSelectMultiple
    )
    modes_mobilisation = forms.MultipleChoiceField(
        label=_("Modes de mobilisation"),
        required=False,
        choices=MODE_MOBILISATION_CHOICES,
        widget=forms.CheckboxSelectMultiple,
    )
    languages = forms.MultipleChoiceField(
        label=_("Langues parlées par l'équipe"),
        required=False,
        choices=[],
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    protections_accepted = forms.MultipleChoiceField(
        label=_("Statuts de protection acceptés"),
        required=False,
        choices=ProtectionType.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Ne cochez rien si le service accepte tous les statuts."),
    )
    frais = forms.ChoiceField(label=_("Frais"), required=False, choices=[("", "—")] + FRAIS_CHOICES)
    min_french_level = forms.ChoiceField(
        label=_("Niveau de français minimum"), required=False, choices=[("", _("Aucun")), *CEFRLevel.choices]
    )

    class Meta:
        model = Service
        fields = [
            "structure",
            "name",
            "description",
            "thematiques",
            "publics",
            "types",
            "frais",
            "modes_accueil",
            "modes_mobilisation",
            "languages",
            "interpreting",
            "min_french_level",
            "protections_accepted",
            "documents_required",
            "capacity",
            "waiting_days",
            "opening_hours",
            "address",
            "commune",
            "zone",
            "contact_name",
            "contact_email",
            "contact_phone",
            "is_active",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "documents_required": forms.Textarea(attrs={"rows": 2}),
            "opening_hours": forms.Textarea(attrs={"rows": 2}),
            "zone": forms.SelectMultiple(attrs={"size": 8}),
        }
        help_texts = {"zone": _("Laissez vide si le service reçoit sans condition de commune.")}

    def __init__(self, *args, structures=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["thematiques"].choices = _grouped_thematiques()
        self.fields["languages"].choices = language_choices()
        self.fields["structure"].queryset = structures
        self.fields["structure"].empty_label = None
        self.fields["commune"].queryset = Commune.objects.all()
        self.fields["zone"].queryset = Commune.objects.all()
        self.fields["zone"].required = False
        self.fields["commune"].empty_label = "—"

    def clean_waiting_days(self):
        value = self.cleaned_data.get("waiting_days")
        if value is not None and value > 3650:
            raise forms.ValidationError(_("Un délai d'attente de plus de dix ans n'est pas plausible."))
        return value

    def clean(self):
        cleaned = super().clean()
        if "en-presentiel" in (cleaned.get("modes_accueil") or []) and not cleaned.get("commune"):
            self.add_error("commune", _("Indiquez la commune d'un service qui reçoit en présentiel."))
        if "envoyer-un-courriel" in (cleaned.get("modes_mobilisation") or []) and not cleaned.get("contact_email"):
            self.add_error("contact_email", _("Indiquez l'adresse électronique à laquelle écrire."))
        if "telephoner" in (cleaned.get("modes_mobilisation") or []) and not cleaned.get("contact_phone"):
            self.add_error("contact_phone", _("Indiquez le numéro à appeler."))
        return cleaned
