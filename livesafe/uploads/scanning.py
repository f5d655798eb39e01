"""The virus check: every upload is streamed to the ClamAV daemon (clamd) before anything is stored.

It fails closed: if clamd cannot be reached, times out or answers anything but a clean result, the upload is
refused and the failure logged, never stored unscanned. Where clamd listens comes from the settings:
CLAMD_SOCKET (a unix socket path) when set, otherwise TCP on CLAMD_HOST:CLAMD_PORT (loopback).
"""
from __future__ import annotations

import io
import logging

from clamav_client.clamd import ClamdError, ClamdNetworkSocket, ClamdUnixSocket
from flask import current_app

from livesafe.kernel.errors import RuleError

log = logging.getLogger(__name__)


class Infected(RuleError):
    """clamd found something: the file is refused."""


class ScannerUnavailable(RuleError):
    """The check could not be made, so the file is refused (503: our side, try later)."""

    status = 503


UNAVAILABLE = ("We could not check this file for viruses just now, so it has not been uploaded. "
               "Please try again in a few minutes; if it keeps happening, contact the Live Safe team.")


def client():
    config = current_app.config
    if config["CLAMD_SOCKET"]:
        return ClamdUnixSocket(config["CLAMD_SOCKET"], timeout=config["CLAMD_TIMEOUT"])
    return ClamdNetworkSocket(config["CLAMD_HOST"], config["CLAMD_PORT"], timeout=config["CLAMD_TIMEOUT"])


def scan(data: bytes) -> str:
    """Scan the bytes; return what scanned them ("ClamAV 1.4.6/27000/...") or raise Infected or ScannerUnavailable."""
    clamd = client()
    try:
        version = clamd.version()
        result = clamd.instream(io.BytesIO(data))
    except (ClamdError, OSError) as error:
        log.error("upload refused: virus scanner unavailable (%s)", error)
        raise ScannerUnavailable(UNAVAILABLE, field="file") from error
    status, signature = result.get("stream", (None, None))
    if status == "OK":
        return version[:120]
    if status == "FOUND":
        log.warning("upload refused: clamd found %s", signature)
        if str(signature).startswith("Heuristics.Limits"):
            raise Infected("This file is too large or too deeply nested for our virus check, so it has not been "
                           "uploaded. Try a smaller or simpler file.", field="file")
        raise Infected(f"Our virus check found something harmful in this file ({signature}), so it has not been "
                       "uploaded. If you think this is a mistake, contact the Live Safe team.", field="file")
    log.error("upload refused: unexpected answer from clamd: %r", result)
    raise ScannerUnavailable(UNAVAILABLE, field="file")
