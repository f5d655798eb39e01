#!/usr/bin/env bash
# Make sure a ClamAV daemon (clamd) answers where the site looks for it; start one if not.
# Used by `make run`, `make test` and CI. Idempotent: if clamd already answers PING, nothing happens.
#
# - Installs Debian's clamav-daemon if clamd is missing (with sudo only when not root).
# - Uses the real signature database in /var/lib/clamav when freshclam has written one; otherwise the
#   stand-in scripts/clamav/livesafe-standin.ndb (EICAR only, see scripts/clamav/README.md). Production runs
#   freshclam and Debian's own clamav-daemon service, never this script.
# - Listens on TCP 127.0.0.1:$CLAMD_PORT (3310) and on a unix socket ($CLAMD_SOCKET, default
#   instance/clamav/clamd.sock), the same settings livesafe/config.py reads.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
STATE=${CLAMAV_STATE_DIR:-$ROOT/instance/clamav}
CLAMD_HOST=${CLAMD_HOST:-127.0.0.1}
CLAMD_PORT=${CLAMD_PORT:-3310}
SOCKET=${CLAMD_SOCKET:-$STATE/clamd.sock}
WAIT_SECONDS=${CLAMD_START_SECONDS:-180}  # a full signature database takes a while to load
SUDO=""
[ "$(id -u)" = 0 ] || SUDO=sudo

# PING clamd on the unix socket when CLAMD_SOCKET is set, else on TCP; true when it answers PONG.
ping_clamd() {
    CLAMD_SOCKET=${CLAMD_SOCKET:-} CLAMD_HOST=$CLAMD_HOST CLAMD_PORT=$CLAMD_PORT python3 - <<'EOF'
import os, socket, sys
path = os.environ["CLAMD_SOCKET"]
try:
    if path:
        s = socket.socket(socket.AF_UNIX); s.settimeout(3); s.connect(path)
    else:
        s = socket.create_connection((os.environ["CLAMD_HOST"], int(os.environ["CLAMD_PORT"])), timeout=3)
    s.sendall(b"zPING\0")
    sys.exit(0 if s.recv(16).rstrip(b"\0\n") == b"PONG" else 1)
except OSError:
    sys.exit(1)
EOF
}

if ping_clamd; then
    echo "clamd: already answering (${CLAMD_SOCKET:-$CLAMD_HOST:$CLAMD_PORT})"
    exit 0
fi

CLAMD=$(command -v clamd || true)
[ -n "$CLAMD" ] || CLAMD=/usr/sbin/clamd
if [ ! -x "$CLAMD" ]; then
    echo "clamd: installing Debian's clamav-daemon"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends clamav-daemon >/dev/null
fi

mkdir -p "$STATE"
if compgen -G "/var/lib/clamav/*.c[lv]d" >/dev/null; then
    DATABASE=/var/lib/clamav
    echo "clamd: using the signature database in $DATABASE"
else
    # No real database (freshclam cannot reach ClamAV's mirrors here): the EICAR-only stand-in.
    DATABASE=$STATE/db
    mkdir -p "$DATABASE"
    cp "$ROOT/scripts/clamav/livesafe-standin.ndb" "$DATABASE/"
    echo "clamd: no signature database; using the EICAR-only stand-in (scripts/clamav/README.md)"
fi

# Only the clamd this script started is replaced; a stale pid file is just removed.
if [ -f "$STATE/clamd.pid" ] && kill -0 "$(cat "$STATE/clamd.pid")" 2>/dev/null; then
    echo "clamd: pid $(cat "$STATE/clamd.pid") is running but not answering yet; waiting for it"
else
    rm -f "$STATE/clamd.pid" "$SOCKET"
    cat >"$STATE/clamd.conf" <<EOF
# Written by scripts/clamav.sh; changes are overwritten.
Foreground no
PidFile $STATE/clamd.pid
LogFile $STATE/clamd.log
LogTime yes
DatabaseDirectory $DATABASE
LocalSocket $SOCKET
LocalSocketMode 660
TCPSocket $CLAMD_PORT
TCPAddr 127.0.0.1
# Larger than UPLOAD_MAX_BYTES, so every accepted upload is scanned whole.
StreamMaxLength 64M
MaxFileSize 64M
MaxScanSize 256M
# A file too big or too deep to scan fully is reported, never passed as clean.
AlertExceedsMax yes
EOF
    "$CLAMD" --config-file="$STATE/clamd.conf"
fi

for _ in $(seq "$WAIT_SECONDS"); do
    if ping_clamd; then
        echo "clamd: answering (${CLAMD_SOCKET:-$CLAMD_HOST:$CLAMD_PORT}), log in $STATE/clamd.log"
        exit 0
    fi
    if [ -f "$STATE/clamd.pid" ] && ! kill -0 "$(cat "$STATE/clamd.pid")" 2>/dev/null; then
        echo "clamd: stopped while starting; the end of $STATE/clamd.log:" >&2
        tail -n 5 "$STATE/clamd.log" >&2
        exit 1
    fi
    sleep 1
done
echo "clamd: did not answer PING within ${WAIT_SECONDS}s; see $STATE/clamd.log" >&2
exit 1
