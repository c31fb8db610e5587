"""Forms of the import steps: the file, the sheet, the columns, the values, the confirmation."""

from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ancrage.imports.fields import FIELDS
from ancrage.imports.models import DuplicatePolicy, ImportRun
from ancrage.imports.services import ACCEPTED_EXTENSIONS, check_column_mapping


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Tableur à importer"),
        help_text=gettext_lazy("XLSX, ODS ou CSV (UTF-8 ou Windows-1252, séparé par « ; » ou « , »)."),
        error_messages={
            "required": gettext_lazy("Choisissez le fichier à importer."),
            "empty": gettext_lazy("Ce fichier est vide."),
        },
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        name = (upload.name or "").lower()
        if not name.endswith(ACCEPTED_EXTENSIONS):
            raise forms.ValidationError(
                _("« %(name)s » n'est pas un tableur accepté : XLSX, ODS ou CSV.") % {"name": upload.name}
            )
        return upload


class SheetForm(forms.Form):
    sheet = forms.ChoiceField(
        label=gettext_lazy("Feuille à importer"),
        widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("Choisissez la feuille à importer.")},
    )

    def __init__(self, *args: Any, sheets: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["sheet"].choices = [(s, s) for s in sheets]  # type: ignore[attr-defined]


FIELD_CHOICES = [("", gettext_lazy("Ne pas importer"))] + [(f.code, f.label) for f in FIELDS]


class ColumnMappingForm(forms.Form):
    """One select per column of the file; a field can be given to one column only."""

    def __init__(self, *args: Any, run: ImportRun, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.run = run
        for index, title in enumerate(run.columns):
            self.fields[f"col_{index}"] = forms.ChoiceField(
                label=str(title), choices=FIELD_CHOICES, required=False, initial=run.column_mapping.get(str(index), "")
            )

    def clean(self):
        data = super().clean() or {}
        mapping = {str(i): data.get(f"col_{i}", "") or "" for i in range(len(self.run.columns))}
        try:
            self.cleaned_data["mapping"] = check_column_mapping(self.run, mapping)
        except forms.ValidationError as error:
            raise forms.ValidationError(error.messages) from None
        return self.cleaned_data


class ValueMappingForm(forms.Form):
    """For each unrecognised value found in the file, the code it stands for (the best suggestion preselected)."""

    def __init__(self, *args: Any, unknown: dict[str, list[dict[str, Any]]], choices: dict[str, list], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.keys: dict[str, tuple[str, str]] = {}
        self.groups: list[tuple[str, list[str]]] = []
        for kind, entries in unknown.items():
            names = []
            for n, entry in enumerate(entries):
                name = f"v_{kind}_{n}"
                suggested = [(s["code"], f"{s['label']} ({_('suggestion')})") for s in entry["suggestions"]]
                self.fields[name] = forms.ChoiceField(
                    label=entry["raw"],
                    required=False,
                    choices=[
                        ("", _("Laisser tel quel (les lignes concernées seront refusées)")),
                        *suggested,
                        *choices.get(kind, []),
                    ],
                    initial=entry["suggestions"][0]["code"] if entry["suggestions"] else "",
                    help_text=_("%(count)s ligne(s)") % {"count": entry["count"]},
                )
                self.keys[name] = (kind, entry["key"])
                names.append(name)
            self.groups.append((kind, names))

    def value_mapping(self) -> dict[str, dict[str, str]]:
        mapping: dict[str, dict[str, str]] = {}
        for name, (kind, key) in self.keys.items():
            code = self.cleaned_data.get(name) or ""
            if code:
                mapping.setdefault(kind, {})[key] = code
        return mapping


class ConfirmForm(forms.Form):
    duplicate_policy = forms.ChoiceField(
        label=gettext_lazy("Lignes qui ont un doublon probable"),
        choices=DuplicatePolicy.choices,
        initial=DuplicatePolicy.PROPOSE,
        widget=forms.RadioSelect,
        help_text=gettext_lazy(
            "« Créer et proposer la fusion » crée le dossier et envoie la paire à la file des doublons : rien n'est "
            "fusionné sans votre décision."
        ),
    )
    mapping_name = forms.CharField(
        label=gettext_lazy("Nom de la correspondance enregistrée pour les prochains imports"),
        max_length=100,
        required=False,
    )
