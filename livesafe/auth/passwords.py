"""The password rule (NCSC / NIST SP 800-63B): long enough, not a common password, not the person's own details.

No composition rules (they make passwords worse); a shipped list of common
passwords instead, read once from a data file, never fetched at run time.
"""
import re
from functools import lru_cache
from pathlib import Path

MIN_LENGTH = 12
MAX_LENGTH = 200
COMMON = Path(__file__).with_name("common-passwords.txt")


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    with COMMON.open(encoding="utf-8") as lines:
        return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def _core(password: str) -> str:
    """The password without digits, spaces and symbols at its ends: "Password2024!" -> "password"."""
    return re.sub(r"^[\W\d_]+|[\W\d_]+$", "", password.lower())


def problem(password: str, email: str = "", name: str = "") -> str | None:
    """Why this password is not allowed, in words for the person choosing it; None if it is fine."""
    if len(password) < MIN_LENGTH:
        return f"Your password must be at least {MIN_LENGTH} characters"
    if len(password) > MAX_LENGTH:
        return f"Your password must be {MAX_LENGTH} characters or fewer"
    lowered = password.lower()
    common = common_passwords()
    if lowered in common or _core(password) in common or lowered.replace(" ", "") in common:
        return "That password is one of the most common passwords. Choose something harder to guess"
    if len(set(lowered)) < 4:
        return "That password repeats too few characters. Choose something harder to guess"
    if sum(1 for a, b in zip(lowered, lowered[1:]) if abs(ord(a) - ord(b)) <= 1) > len(lowered) // 2:
        return "That password is mostly a run of neighbouring characters, like 123456 or abcdef. Choose something harder to guess"
    email = (email or "").strip().lower()
    own = {email, email.split("@")[0]} | {part for part in re.split(r"\W+", (name or "").lower()) if part}
    if any(len(word) >= 3 and word in lowered for word in own):
        return "Your password must not contain your e-mail address or name"
    return None
