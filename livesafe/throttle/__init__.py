"""Shared counters for rate limits and login throttling.

Kept in the database, not process memory, so a limit holds across gunicorn
workers and across app instances that share one database. Keys are HMACs, so
no raw e-mail address or IP address is stored.
"""
