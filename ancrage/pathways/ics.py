"""iCalendar (RFC 5545) output for appointments, without a dependency."""

from collections.abc import Iterable
from datetime import UTC, datetime

from .models import Appointment


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace(";", r"\;").replace(",", r"\,").replace("\n", r"\n")


def _fold(line: str) -> str:
    """Lines longer than 75 octets are folded with CRLF + space."""
    encoded = line.encode()
    if len(encoded) <= 75:
        return line
    parts, current = [], b""
    for char in line:
        piece = char.encode()
        if len(current) + len(piece) > 74:
            parts.append(current.decode())
            current = b""
        current += piece
    parts.append(current.decode())
    return "\r\n ".join(parts)


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def appointment_to_ics(appointments: Iterable[Appointment], *, host: str, calendar_name: str = "Ancrage") -> str:
    """A VCALENDAR with one VEVENT per appointment. The summary carries no sensitive detail."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Ancrage//Rendez-vous//FR",
        "CALSCALE:GREGORIAN",
        f"X-WR-CALNAME:{_escape(calendar_name)}",
    ]
    now = _stamp(datetime.now(UTC))
    for appointment in appointments:
        status = {"cancelled": "CANCELLED"}.get(appointment.status, "CONFIRMED")
        lines += [
            "BEGIN:VEVENT",
            f"UID:appointment-{appointment.pk}@{host.split(':')[0]}",
            f"DTSTAMP:{now}",
            f"DTSTART:{_stamp(appointment.starts_at)}",
            f"DTEND:{_stamp(appointment.ends_at)}",
            f"SUMMARY:{_escape(appointment.subject)}",
            f"LOCATION:{_escape(appointment.location)}",
            f"STATUS:{status}",
            f"SEQUENCE:{appointment.version}",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"
