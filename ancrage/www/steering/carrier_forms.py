"""Forms of the carrier's pages: the bilan of a year (text and documents) and a participation."""

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from ancrage.persons.models import Person, PersonQuerySet
from ancrage.referrals.attachments import check_upload
from ancrage.steering.bilans import ACCEPTED_LABEL, BILAN_ATTACHMENTS_MAX
from ancrage.steering.models import QualitativeReport

from ..forms import DateInput
from ..referrals.forms import MultipleFileInput

TEXT_MAX = QualitativeReport._meta.get_field("text").max_length


class BilanFilesField(forms.FileField):
    """Several documents in one input; each checked by the referral attachments' rules (type, size)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, (list, tuple)) else ([data] if data else [])
        if self.required and not files:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        if len(files) > BILAN_ATTACHMENTS_MAX:
            raise forms.ValidationError(_("%(max)s fichiers au plus par bilan.") % {"max": BILAN_ATTACHMENTS_MAX})
        errors = []
        for upload in files:
            try:
                check_upload(upload)
            except forms.ValidationError as error:
                errors.extend(error.messages)
        if errors:
            raise forms.ValidationError(errors)
        return list(files)


class BilanForm(forms.Form):
    text = forms.CharField(
        label=_("Bilan qualitatif"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text=_(
            "Ce qui a été fait, ce qui a marché, les difficultés, les suites. Aucune donnée personnelle : "
            "ni nom, ni situation individuelle reconnaissable."
        ),
        error_messages={"required": _("Écrivez le bilan.")},
    )
    attachments = BilanFilesField(label=_("Ajouter des pièces jointes"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attachments"].help_text = _(
            "%(types)s, %(size)s au plus par fichier ; %(max)s fichiers au plus."
        ) % {
            "types": ACCEPTED_LABEL,
            "size": filesizeformat(settings.REFERRAL_ATTACHMENT_MAX_BYTES),
            "max": BILAN_ATTACHMENTS_MAX,
        }

    def clean_text(self) -> str:
        text = self.cleaned_data["text"].strip()
        if not text:
            raise forms.ValidationError(_("Écrivez le bilan."))
        return text


class PersonSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Nom ou prénom"),
        required=False,
        max_length=100,
        help_text=_("Parmi les personnes dont vous voyez le dossier. Toutes les graphies sont cherchées."),
    )


class ParticipationForm(forms.Form):
    person = forms.ModelChoiceField(
        label=_("Personne"),
        queryset=Person.objects.none(),
        widget=forms.HiddenInput,
        error_messages={
            "required": _("Choisissez la personne."),
            "invalid_choice": _("Choisissez une personne dont vous voyez le dossier."),
        },
    )
    starts_on = forms.DateField(label=_("Début de la participation"), widget=DateInput())
    ends_on = forms.DateField(
        label=_("Fin de la participation"),
        required=False,
        widget=DateInput(),
        help_text=_("Laissez vide si la participation est en cours."),
    )

    def __init__(self, *args, persons: PersonQuerySet, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = persons  # type: ignore[attr-defined]

    def clean(self):
        cleaned = super().clean()
        starts_on, ends_on = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", _("La fin ne peut pas précéder le début."))
        return cleaned
