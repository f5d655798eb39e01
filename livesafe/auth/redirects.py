"""Where a form may send someone after it is done: the one check of `next=` that every form uses."""
from urllib.parse import urlsplit

from flask import request


def safe_next(target: str | None = None) -> str | None:
    """`target` (default: the `next` query parameter) if it is a path on this site, else None.

    Browsers ignore tabs and newlines in addresses and read a backslash as a
    slash, so "/\\t/evil.example" and "/\\evil.example" both mean "//evil.example":
    any control character, space or backslash refuses the target.
    """
    if target is None:
        target = request.args.get("next")
    if not target or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target or any(ord(ch) < 0x21 or ord(ch) == 0x7F for ch in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target
