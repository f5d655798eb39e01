#!/usr/bin/env bash
# `make run`: the dev server, the mail worker and a catch-all SMTP server that prints every e-mail to this
# console. Ctrl-C (or any one of them stopping) stops all three.
set -uo pipefail
BIN=${BIN:-.venv/bin}
PORT=${PORT:-5000}
export LIVESAFE_ENV=${LIVESAFE_ENV:-development}
export MAIL_HOST=127.0.0.1 MAIL_PORT=${MAIL_PORT:-1025} MAIL_USERNAME= MAIL_USE_TLS=false
export BASE_URL=${BASE_URL:-http://127.0.0.1:$PORT}

pids=()
stop() {
    trap - EXIT INT TERM
    kill "${pids[@]}" 2>/dev/null
    wait "${pids[@]}" 2>/dev/null
}
trap stop EXIT INT TERM

"$BIN/python" -m aiosmtpd -n -l "127.0.0.1:$MAIL_PORT" -c livesafe.mail.catchall.Printer &
pids+=($!)
"$BIN/flask" --app livesafe send-mail --watch &
pids+=($!)
"$BIN/flask" --app livesafe run --host 127.0.0.1 --port "$PORT" &
pids+=($!)
echo "Live Safe on $BASE_URL; e-mails are printed here (catch-all SMTP on 127.0.0.1:$MAIL_PORT)."
wait -n
