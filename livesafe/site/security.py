"""Security headers on every response, and no-store on every page.

Every page of the site may say something about the person reading it (a knife-law article, a search, a
survey answer), so no page is kept in the browser's cache: after a quick exit or on a shared phone, Back and
the history list must fetch afresh. The server-side page cache (hub/cache.py) is separate and unaffected.
Static files are the exception: fingerprinted and cached for a year (site/assets.py).
"""
from flask import request

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "base-uri 'none'",
        "object-src 'none'",
        "frame-ancestors 'none'",
    ]
)

PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), "
    "payment=(), usb=(), interest-cohort=(), browsing-topics=()"
)


def add_headers(response):
    headers = response.headers
    headers["Content-Security-Policy"] = CSP
    headers["X-Content-Type-Options"] = "nosniff"
    headers.setdefault("Referrer-Policy", "same-origin")  # the quick exit sends no-referrer
    headers["Permissions-Policy"] = PERMISSIONS_POLICY
    headers["X-Frame-Options"] = "DENY"
    headers["Cross-Origin-Opener-Policy"] = "same-origin"
    if request.is_secure:
        # Only over TLS (behind a proxy: TRUSTED_PROXY_COUNT makes X-Forwarded-Proto count).
        headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
    if request.endpoint == "static":
        return response
    headers["Cache-Control"] = "no-store"
    return response
