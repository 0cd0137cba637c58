#!/usr/bin/python3
"""A real SMTP server for faceloop's mailer integration tests (started by tests/servers/smtp.sh).

Listens on 127.0.0.1 on three free ports and writes every accepted message to MAILDIR/<n>.eml:
  plain     no TLS, no AUTH (any sender, any recipient)
  starttls  STARTTLS required before MAIL, then AUTH (PLAIN or LOGIN) with the test user required
  smtps     implicit TLS from the first byte, then AUTH required
Each .eml starts with X-Sink-* headers (envelope sender and recipients, the authenticated user, and
whether the connection was encrypted) followed by the message exactly as received after
dot-unstuffing. Once all ports listen it writes the env file, which is the readiness signal.
"""

import argparse
import asyncio
import itertools
import logging
import os
import signal
import ssl

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


class MaildirHandler:
    def __init__(self, maildir):
        self.maildir = maildir
        self.counter = itertools.count(1)

    async def handle_DATA(self, server, session, envelope):
        encrypted = server.transport.get_extra_info("ssl_object") is not None
        sink_headers = [
            f"X-Sink-Mail-From: {envelope.mail_from}",
            f"X-Sink-Rcpt-To: {', '.join(envelope.rcpt_tos)}",
            f"X-Sink-Auth-User: {session.auth_data or '-'}",
            f"X-Sink-TLS: {'yes' if encrypted else 'no'}",
        ]
        data = ("\r\n".join(sink_headers) + "\r\n").encode() + envelope.original_content
        name = f"{next(self.counter):06d}.eml"
        # Written under a temporary name and renamed, so a reader never sees half a message; the
        # rename happens before the 250 reply, so the file is there when the client's send returns.
        temporary = os.path.join(self.maildir, "." + name + ".tmp")
        with open(temporary, "wb") as out:
            out.write(data)
        os.replace(temporary, os.path.join(self.maildir, name))
        logging.info("stored %s from %s to %s", name, envelope.mail_from, envelope.rcpt_tos)
        return "250 Message accepted for delivery"


def make_authenticator(user, password):
    def authenticate(server, session, envelope, mechanism, auth_data):
        ok = (isinstance(auth_data, LoginPassword) and auth_data.login == user.encode()
              and auth_data.password == password.encode())
        logging.info("AUTH %s for %r: %s", mechanism,
                     getattr(auth_data, "login", b"?"), "ok" if ok else "denied")
        # handled=False makes aiosmtpd answer 535 itself; its default (True) sends no reply at all
        # and leaves the client waiting until it times out.
        return AuthResult(success=ok, handled=False, auth_data=user if ok else None)
    return authenticate


async def listen(loop, factory, ssl_context=None):
    server = await loop.create_server(factory, host="127.0.0.1", port=0, ssl=ssl_context)
    return server, server.sockets[0].getsockname()[1]


def write_env(path, values):
    temporary = path + ".tmp"
    with open(temporary, "w") as out:
        for key, value in values.items():
            out.write(f"export {key}={value}\n")
    os.replace(temporary, path)


async def serve(args):
    loop = asyncio.get_running_loop()
    handler = MaildirHandler(args.maildir)
    authenticator = make_authenticator(args.user, args.password)
    tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    tls.load_cert_chain(args.cert, args.key)
    hostname = "faceloop-test-smtp"

    plain, plain_port = await listen(loop, lambda: SMTP(handler, hostname=hostname, loop=loop))
    starttls, starttls_port = await listen(loop, lambda: SMTP(
        handler, hostname=hostname, loop=loop, tls_context=tls, require_starttls=True,
        auth_required=True, auth_require_tls=True, authenticator=authenticator))
    # aiosmtpd only counts STARTTLS as "TLS" for auth_require_tls, so on the implicit-TLS port
    # (encrypted from the first byte) that check is turned off; it warns about it once per session.
    smtps, smtps_port = await listen(loop, lambda: SMTP(
        handler, hostname=hostname, loop=loop, auth_required=True, auth_require_tls=False,
        authenticator=authenticator), ssl_context=tls)

    write_env(args.env_file, {
        "FACELOOP_TEST_SMTP_URL": f"smtp://127.0.0.1:{plain_port}",
        "FACELOOP_TEST_SMTP_STARTTLS_URL": f"smtp://127.0.0.1:{starttls_port}",
        "FACELOOP_TEST_SMTPS_URL": f"smtps://127.0.0.1:{smtps_port}",
        "FACELOOP_TEST_SMTP_USER": args.user,
        "FACELOOP_TEST_SMTP_PASSWORD": args.password,
        "FACELOOP_TEST_SMTP_CA_FILE": args.cert,
        "FACELOOP_TEST_SMTP_MAILDIR": args.maildir,
    })
    logging.info("listening: plain %d, starttls %d, smtps %d", plain_port, starttls_port, smtps_port)

    stop = asyncio.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    await stop.wait()
    for server in (plain, starttls, smtps):
        server.close()
        await server.wait_closed()
    logging.info("stopped")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--maildir", required=True)
    parser.add_argument("--cert", required=True)
    parser.add_argument("--key", required=True)
    parser.add_argument("--user", required=True)
    parser.add_argument("--password", required=True)
    parser.add_argument("--env-file", required=True)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    os.makedirs(args.maildir, exist_ok=True)
    asyncio.run(serve(args))


if __name__ == "__main__":
    main()
