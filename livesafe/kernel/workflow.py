"""Workflows as data, in the spirit of Hypha's: a table of transitions and one `apply()`.

A transition says which states it leaves (`sources`), the state it reaches (`target`), the permission
that decides who may take it (a key in the permission registry), what must hold first (`guard`, which
raises a RuleError), what else it sets, and who is told (`notify`, which queues mail). `apply()` does the
permission check, the guard, a compare-and-set update of the state (only one of two simultaneous attempts
can win, on every database), the audit entry and the notifications, in the caller's transaction. It
flushes and never commits: the request commits once (kernel/transactions.py).

Where money is involved the guard locks what it reads first (`lock()`), so two awards at the same moment
cannot both pass a budget check.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm.attributes import set_committed_value

from livesafe.audit.logic import record
from livesafe.clock import utcnow
from livesafe.extensions import db
from livesafe.kernel.errors import Conflict
from livesafe.kernel.permissions import can, require


@dataclass
class Step:
    """One transition being taken: what guards, setters and notifiers are given."""

    workflow: Workflow
    transition: Transition
    obj: Any
    user: Any
    now: datetime
    before: str
    values: dict[str, Any] = field(default_factory=dict)  # what the person sent with it (an amount, a reason)


@dataclass(frozen=True)
class Transition:
    action: str
    sources: tuple[str, ...]
    target: str
    permission: str
    label: str = ""  # the button's words
    guard: Callable[[Step], None] | None = None  # raises RuleError when what must hold does not
    sets: Callable[[Step], dict[str, Any]] | None = None  # other columns set with the state
    notify: Callable[[Step], None] | None = None  # who is told; runs in the same transaction


@dataclass(frozen=True)
class Workflow:
    name: str  # the audit prefix, e.g. "grant_application"
    model: type[Any]
    noun: str  # in messages: "application"
    labels: dict[str, str]  # state -> words people see
    transitions: tuple[Transition, ...]
    field: str = "state"

    def __post_init__(self) -> None:
        actions = [t.action for t in self.transitions]
        if len(actions) != len(set(actions)):
            raise ValueError(f"{self.name}: each action appears once in the table")
        for t in self.transitions:
            unknown = {t.target, *t.sources} - set(self.labels)
            if unknown:
                raise ValueError(f"{self.name}.{t.action}: unknown states {sorted(unknown)}")

    @property
    def states(self) -> tuple[str, ...]:
        return tuple(self.labels)

    def transition(self, action: str) -> Transition:
        for t in self.transitions:
            if t.action == action:
                return t
        raise KeyError(f"{self.name} has no action {action!r}")

    def state_of(self, obj: Any) -> str:
        state: str = getattr(obj, self.field)
        return state

    def available(self, obj: Any, user: Any) -> list[Transition]:
        """The transitions this user may take from the object's state now (guards are not run)."""
        state = self.state_of(obj)
        return [t for t in self.transitions if state in t.sources and can(t.permission, user, obj)]


def apply(workflow: Workflow, obj: Any, action: str, user: Any, *, now: datetime | None = None,
          seen: str | None = None, **values: Any) -> Step:
    """Take `action` on `obj` as `user`, or raise Refused (403), Conflict (409) or another RuleError.

    `seen` is the state the person's page showed (a form's hidden field): if the object has moved on since,
    the step is refused even when the new state would allow it, so two people acting on the same page one
    after the other cannot both decide."""
    transition = workflow.transition(action)
    before = workflow.state_of(obj)
    step = Step(workflow, transition, obj, user, now or utcnow(), before, values)
    require(transition.permission, user, obj)
    if seen is not None and seen != before:
        raise Conflict(f"This {workflow.noun} changed since you opened the page: it is now “{workflow.labels[before]}”. "
                       "Check it before you change it again.")
    if before not in transition.sources:
        raise Conflict(f"This {workflow.noun} is “{workflow.labels[before]}”, so it cannot be changed that way. "
                       "Refresh the page to see where it is now.")
    if transition.guard:
        transition.guard(step)
    changes = {workflow.field: transition.target, **(transition.sets(step) if transition.sets else {})}
    db.session.flush()  # the object's own pending changes go first
    model = workflow.model
    result: sa.CursorResult[Any] = db.session.execute(  # type: ignore[assignment]  # an UPDATE's result has rowcount
        sa.update(model).where(model.id == obj.id, getattr(model, workflow.field) == before)
        .values(**changes).execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise Conflict(f"Someone else changed this {workflow.noun} at the same moment. Refresh the page and try again.")
    for name, value in changes.items():
        set_committed_value(obj, name, value)
    record(user, f"{workflow.name}.{transition.action}", obj, before={workflow.field: before},
           after={workflow.field: transition.target, **_plain({**values, **changes})})
    if transition.notify:
        transition.notify(step)
    db.session.flush()
    return step


def lock(model: type[Any], ident: int) -> Any:
    """Read a row for update: the row stays locked until the request commits, so a rule that reads it and
    then writes (a budget check) sees every earlier writer's result. SQLite has no row locks; a no-op update
    takes its database write lock before the read, which serialises writers the same way."""
    if db.session.get_bind().dialect.name == "sqlite":
        db.session.execute(sa.update(model).where(model.id == ident).values(id=model.id)
                           .execution_options(synchronize_session=False))
        return db.session.scalar(sa.select(model).where(model.id == ident).execution_options(populate_existing=True))
    return db.session.scalar(sa.select(model).where(model.id == ident).with_for_update()
                             .execution_options(populate_existing=True))


def _plain(values: dict[str, Any]) -> dict[str, Any]:
    """What goes into the audit entry: plain numbers and short words, never free text or objects."""
    return {k: v for k, v in values.items()
            if isinstance(v, (int, float, bool)) or (isinstance(v, str) and len(v) <= 60)}
