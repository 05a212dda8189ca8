"""A real SMTP server for the alert tests, built on aiosmtpd.

    smtp_sink.py OUT_DIR [LOGIN PASSWORD]

Listens on a free loopback port, prints `READY <port>` once it accepts connections, and writes
every message it is given to OUT_DIR as `<n>.json`: the envelope, the login used, and the message
as Python's e-mail parser reads it (subject and body decoded). With LOGIN and PASSWORD it refuses
mail from a client that has not authenticated with them (AUTH PLAIN or LOGIN, without TLS: the
tests run on loopback). It stops when its standard input closes, i.e. with the test process.
"""

import email
import email.policy
import json
import logging
import os
import socket
import sys
import warnings

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


class Keep:
    def __init__(self, out):
        self.out = out
        self.count = 0

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        body = message.get_body(preferencelist=("plain",))
        record = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "login": session.auth_data.login.decode() if isinstance(session.auth_data, LoginPassword) else None,
            "from": str(message["from"]),
            "to": str(message["to"]),
            "subject": str(message["subject"]),
            "content_type": message.get_content_type(),
            "message_id": str(message["message-id"]),
            "date": str(message["date"]),
            "body": body.get_content() if body is not None else "",
        }
        path = os.path.join(self.out, f"{self.count:04}.json")
        with open(path + ".tmp", "w", encoding="utf-8") as f:
            json.dump(record, f)
        os.rename(path + ".tmp", path)
        return "250 Message accepted for delivery"


def authenticator(login, password):
    def check(server, session, envelope, mechanism, auth_data):
        ok = isinstance(auth_data, LoginPassword) and auth_data.login.decode() == login and auth_data.password.decode() == password
        return AuthResult(success=ok, handled=False, auth_data=auth_data)

    return check


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main():
    # Plain AUTH on loopback is what the tests want; aiosmtpd warns about it on every session.
    warnings.filterwarnings("ignore")
    logging.getLogger("mail.log").setLevel(logging.ERROR)
    out = sys.argv[1]
    login = sys.argv[2:4]
    os.makedirs(out, exist_ok=True)
    port = free_port()
    options = {}
    if len(login) == 2:
        options = dict(authenticator=authenticator(*login), auth_required=True, auth_require_tls=False)
    controller = Controller(Keep(out), hostname="127.0.0.1", port=port, **options)
    controller.start()
    print(f"READY {port}", flush=True)
    try:
        sys.stdin.read()
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
