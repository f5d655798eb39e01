"""One permission registry: `can(action, user, obj) -> Decision`, the only answer to "may they?".

Each feature registers its rules in its own `permissions.py` with `@rule("feature.action")`. Views use
`can` to show or hide a button (it is also a template global), logic calls `require` before it changes
anything, and a refusal is a `Refused` error (403) carrying the reason. Route decorators
(`roles_required`) stay as the coarse first gate: who may open a page at all.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from livesafe.kernel.errors import Refused


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: str = ""

    def __bool__(self) -> bool:
        return self.allowed

    def __iter__(self) -> Iterator[bool | str]:  # so `ok, reason = can(...)` works
        return iter((self.allowed, self.reason))


allow = Decision(True)


def deny(reason: str) -> Decision:
    return Decision(False, reason)


Rule = Callable[[Any, Any], Decision]
RULES: dict[str, Rule] = {}
DEFAULT_REASON = "You do not have permission to do that."


def rule(action: str) -> Callable[[Rule], Rule]:
    """Register the rule for an action. One rule per action: registering twice is a mistake."""

    def register(check: Rule) -> Rule:
        if action in RULES and RULES[action] is not check:
            raise ValueError(f"a rule for {action!r} is already registered")
        RULES[action] = check
        return check

    return register


def can(action: str, user: Any, obj: Any = None) -> Decision:
    """May this user take this action on this object? Signed-out visitors are refused unless the rule says so."""
    check = RULES[action]  # an unknown action is a programming error, not a refusal
    decision = check(user, obj)
    if not isinstance(decision, Decision):
        raise TypeError(f"the rule for {action!r} must return a Decision, not {decision!r}")
    return decision


def require(action: str, user: Any, obj: Any = None) -> None:
    decision = can(action, user, obj)
    if not decision:
        raise Refused(decision.reason or DEFAULT_REASON)


def signed_in(user: Any) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False))
