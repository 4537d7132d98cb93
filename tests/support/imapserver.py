"""A real IMAP server for the mailbox tests: Debian's Dovecot, run unprivileged on a free loopback port.

Its configuration, password file and maildir live in a temporary directory. Run as root (CI containers),
Dovecot's own unprivileged ``dovecot`` user runs it; run as anyone else, that user does.
"""

from __future__ import annotations

import getpass
import grp
import imaplib
import os
import pwd
import re
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

DOVECOT = "/usr/sbin/dovecot"
LIST_LINE = re.compile(r'^\((?P<flags>[^)]*)\) (?P<delimiter>"[^"]*"|NIL) (?P<name>.+)$')
USER = "desk@example.com"
PASSWORD = "imap-test-secret"

CONFIG = """\
protocols = imap
listen = 127.0.0.1
base_dir = {root}/run
state_dir = {root}/state
instance_name = dispatch-test-{port}
log_path = {root}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
first_valid_uid = 1
first_valid_gid = 1
default_internal_user = {user}
default_internal_group = {group}
default_login_user = {user}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/users
}}
userdb {{
  driver = static
  args = uid={user} gid={group} home={root}/home/%u
}}
mail_location = maildir:~/Maildir
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
"""


def available() -> bool:
    return Path(DOVECOT).is_file()


class DovecotServer:
    """One Dovecot instance with one mailbox (``USER`` / ``PASSWORD``)."""

    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="dispatch-imap-"))
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.process: subprocess.Popen | None = None
        if os.geteuid() == 0:
            self.user, self.group = "dovecot", grp.getgrgid(pwd.getpwnam("dovecot").pw_gid).gr_name
        else:
            self.user, self.group = getpass.getuser(), grp.getgrgid(os.getegid()).gr_name

    def url(self, folder: str = "INBOX", **options: str) -> str:
        query = "&".join(f"{key}={value}" for key, value in options.items())
        return f"imap://{USER.replace('@', '%40')}:{PASSWORD}@127.0.0.1:{self.port}/{folder}" + (
            f"?{query}" if query else "")

    def start(self) -> None:
        for folder in ("run", "state", "home"):
            (self.root / folder).mkdir()
        (self.root / "users").write_text(f"{USER}:{{PLAIN}}{PASSWORD}\n")
        (self.root / "dovecot.conf").write_text(CONFIG.format(root=self.root, port=self.port, user=self.user,
                                                              group=self.group))
        command = [DOVECOT, "-F", "-c", str(self.root / "dovecot.conf")]
        if os.geteuid() == 0:
            shutil.chown(self.root, self.user, self.group)
            for path in self.root.rglob("*"):
                shutil.chown(path, self.user, self.group)
            command = ["runuser", "-u", self.user, "--", *command]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                if self.process.poll() is not None:
                    raise RuntimeError(f"dovecot exited: {self.process.stderr.read().decode(errors='replace')}")
                time.sleep(0.05)
        raise RuntimeError("dovecot did not start listening")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=15)
            self.process.stderr.close()
        shutil.rmtree(self.root, ignore_errors=True)

    def client(self) -> imaplib.IMAP4:
        client = imaplib.IMAP4("127.0.0.1", self.port, timeout=10)
        client.login(USER, PASSWORD)
        return client

    def deliver(self, raw: bytes, folder: str = "INBOX") -> None:
        """Put a message in a folder (by IMAP APPEND, as a delivering server would), unseen."""
        client = self.client()
        try:
            client.create(folder)  # "already exists" for INBOX is fine
            status, data = client.append(folder, None, None, raw)
            assert status == "OK", data
        finally:
            client.logout()

    def flags(self, folder: str = "INBOX") -> list[bytes]:
        """The flags of every message in ``folder``, in order."""
        client = self.client()
        try:
            client.select(folder)
            _status, found = client.search(None, "ALL")
            if not found[0]:
                return []
            _status, data = client.fetch(found[0].decode().replace(" ", ","), "(FLAGS)")
            return [item for item in data if item]
        finally:
            client.logout()

    def empty(self) -> None:
        """Remove every folder but INBOX and every message of INBOX."""
        client = self.client()
        try:
            _status, folders = client.list()
            for line in folders or []:
                name = LIST_LINE.match(line.decode()).group("name").strip('"')
                if name != "INBOX":
                    client.delete(f'"{name}"')
            client.select("INBOX")
            _status, found = client.search(None, "ALL")
            if found[0]:
                client.store(found[0].decode().replace(" ", ","), "+FLAGS", "(\\Deleted)")
                client.expunge()
        finally:
            client.logout()
