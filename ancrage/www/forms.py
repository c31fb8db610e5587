"""Form helpers shared by the web layer."""

from django import forms
from django.utils.translation import gettext_lazy as _


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")


def date_widgets(model, fields) -> dict:
    """Native date pickers for every DateField/DateTimeField among ``fields``."""
    from django.db import models as m

    widgets = {}
    for name in fields:
        field = model._meta.get_field(name)
        if isinstance(field, m.DateTimeField):
            widgets[name] = DateTimeInput()
        elif isinstance(field, m.DateField):
            widgets[name] = DateInput()
    return widgets


class VersionedFormMixin(forms.Form):
    """Carries the version the editor started from, for optimistic locking."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        instance = getattr(self, "instance", None)
        if instance is not None and instance.pk and not self.is_bound:
            self.initial["version"] = instance.version


CONCURRENT_EDIT_HELP = _(
    "Quelqu'un d'autre a enregistré ce dossier pendant que vous l'éditiez. Vos saisies sont conservées : "
    "comparez avec la version à jour affichée, puis enregistrez à nouveau."
)


def dash_empty_choices(form: forms.BaseForm) -> None:
    """Show empty choices as « — » everywhere, instead of Django's « --------- »."""
    for field in form.fields.values():
        if getattr(field, "empty_label", None) == "---------":
            field.empty_label = "—"
        choices = getattr(field, "choices", None)
        if (
            isinstance(field, forms.TypedChoiceField | forms.ChoiceField)
            and choices
            and choices[0] == ("", "---------")
        ):
            field.choices = [("", "—"), *choices[1:]]
