"""The audit log: who did what to what, when, with before and after."""
