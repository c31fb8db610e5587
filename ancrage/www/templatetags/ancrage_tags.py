from django import template
from django.utils.formats import date_format
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def split_commas(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


@register.simple_tag
def field_label(obj, name: str) -> str:
    return str(obj._meta.get_field(name).verbose_name).capitalize()


@register.simple_tag
def field_value(obj, name: str) -> str:
    display = getattr(obj, f"get_{name}_display", None)
    value = display() if display else getattr(obj, name)
    if value is None or value == "":
        return "—"
    if value is True:
        return _("oui")
    if value is False:
        return _("non")
    if hasattr(value, "strftime"):
        return date_format(value, "d/m/Y")
    if name == "country":
        from ancrage.persons.models import country_name

        return country_name(value)
    return str(value)


@register.filter
def get_item(mapping: dict, key):
    return mapping.get(key, key)


@register.filter
def describedby(field) -> str:
    """The ids a field in error is described by: its help text (if any) and its messages."""
    ids = [f"{field.auto_id}_helptext"] if field.help_text else []
    return " ".join([*ids, f"{field.auto_id}-messages"])


@register.filter
def yesno_bool(value):
    """Booleans as « oui » / « non », anything else unchanged (empty as a dash)."""
    if value is True:
        return _("oui")
    if value is False:
        return _("non")
    return "—" if value in ("", None) else value
