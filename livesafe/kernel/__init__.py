"""The kernel every feature builds on: one rule error, one permission registry, one workflow engine and
one transaction policy. See README, "Architecture", for how a feature plugs in.

- errors.py       RuleError (422), Refused (403), Conflict (409): a rule said no, in words for the person.
- permissions.py  `can(action, user, obj)` -> Decision; features register rules with `@rule("grants.award")`.
- workflow.py     Workflow tables (from, to, action, permission, guard, sets, notify) and the one `apply()`.
- transactions.py logic adds and flushes; the request (or CLI command) commits once.
"""
from livesafe.kernel.errors import Conflict, Refused, RuleError
from livesafe.kernel.permissions import Decision, allow, can, deny, require, rule
from livesafe.kernel.workflow import Step, Transition, Workflow, apply

__all__ = ["Conflict", "Decision", "Refused", "RuleError", "Step", "Transition", "Workflow", "allow", "apply", "can",
           "deny", "require", "rule"]
