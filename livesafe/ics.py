"""iCalendar (RFC 5545) text: escaping, line folding and UTC times, shared by every calendar feed
(the hub's events, panel meetings)."""
from datetime import datetime, timezone


def escape(text: str) -> str:
    """A TEXT value: backslash, semicolon and comma escaped, line breaks as \\n."""
    return (text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n"))


def fold(line: str) -> list[str]:
    """RFC 5545: lines longer than 75 octets continue on the next line after a space (never inside a character)."""
    parts: list[str] = []
    current = ""
    for char in line:
        if len((current + char).encode()) > (75 if not parts else 74):
            parts.append(current)
            current = char
        else:
            current += char
    parts.append(current)
    return [parts[0]] + [" " + part for part in parts[1:]]


def utc_time(value: datetime) -> str:
    return value.astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ")


def calendar(name: str, product: str, events: list[list[str]]) -> str:
    """A whole VCALENDAR: each event is its content lines (without BEGIN/END), folded, CRLF-ended."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:-//Live Safe//{product}//EN", "CALSCALE:GREGORIAN",
             "METHOD:PUBLISH", f"X-WR-CALNAME:{escape(name)}"]
    for event in events:
        lines += ["BEGIN:VEVENT", *event, "END:VEVENT"]
    lines.append("END:VCALENDAR")
    return "".join(folded + "\r\n" for line in lines for folded in fold(line))
