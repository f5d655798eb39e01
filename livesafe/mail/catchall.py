"""A catch-all SMTP server for development: every e-mail is printed to the console and goes nowhere.

    python -m aiosmtpd -n -l 127.0.0.1:1025 -c livesafe.mail.catchall.Printer

`make run` starts it next to the dev server and the mail worker. It decodes each message (aiosmtpd's own
Debugging handler prints the raw, quoted-printable text, in which long links are broken across lines).
"""
import email
from email import policy


class Printer:
    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=policy.default)
        body = message.get_body(("plain",))
        text = body.get_content() if body is not None else "(no plain-text part)"
        rule = "-" * 72
        print(f"\n{rule}\nE-mail to {', '.join(envelope.rcpt_tos)}\nSubject: {message['Subject']}\n\n"
              f"{text.rstrip()}\n{rule}", flush=True)
        return "250 Message accepted for delivery"
