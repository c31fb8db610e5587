"""A job-title (ROME appellation) field: type a few letters, pick a suggestion; works without JavaScript.

The input shows « Libellé (code OGR) ». Suggestions come from ``employment:appellation_search`` into a
``<datalist>`` (HTMX). Without a code in the text, a query that names exactly one appellation is
accepted; anything else gets a clear message — never a silent guess.
"""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from ancrage.rome.models import RomeAppellation
from ancrage.rome.selectors import search_appellations

CODE_IN_TEXT = re.compile(r"\((\d{1,8})\)\s*$")


def appellation_text(appellation: RomeAppellation) -> str:
    return f"{appellation.label} ({appellation.code_ogr})"


class AppellationInput(forms.TextInput):
    template_name = "employment/widgets/appellation_input.html"

    def format_value(self, value):
        if isinstance(value, RomeAppellation):
            return appellation_text(value)
        if isinstance(value, int) or (isinstance(value, str) and value.isdigit()):
            found = RomeAppellation.objects.filter(pk=value).first()
            return appellation_text(found) if found else value
        return value


class AppellationField(forms.Field):
    widget = AppellationInput
    default_error_messages = {
        "unknown": _("Ce code ROME n'existe pas : choisissez un métier dans la liste."),
        "ambiguous": _("Plusieurs métiers correspondent à « %(text)s » : choisissez-en un dans la liste."),
        "none": _("Aucun métier ne correspond à « %(text)s » : essayez un autre mot."),
    }

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("help_text", _("Tapez quelques lettres puis choisissez dans la liste, ex. « cariste »."))
        super().__init__(*args, **kwargs)

    def prepare_value(self, value):
        return value

    def to_python(self, value) -> RomeAppellation | None:
        if isinstance(value, RomeAppellation):
            return value
        text = (value or "").strip()
        if not text:
            return None
        match = CODE_IN_TEXT.search(text)
        if match:
            found = RomeAppellation.objects.select_related("occupation").filter(code_ogr=match.group(1)).first()
            if found is None:
                raise forms.ValidationError(self.error_messages["unknown"], code="unknown")
            return found
        results = search_appellations(text, limit=2)
        exact = [a for a in results if a.label.casefold() == text.casefold()]
        if len(exact) == 1 or len(results) == 1:
            return exact[0] if exact else results[0]
        key = "ambiguous" if results else "none"
        raise forms.ValidationError(self.error_messages[key], code=key, params={"text": text})
