"""The SSH set-up against a real sshd on 127.0.0.1: keys written by `dentledger user`, a
private sshd reading that authorized_keys file, a throw-away service account. Skipped when
sshd is not installed or the test cannot create an account (it needs root).

The service account runs DentLedger from a virtualenv of Debian's /usr/bin/python3 (root's
interpreter is not readable by it) that finds this checkout and its packages through a .pth
file, the way an office installs it for its service account.
"""
from __future__ import annotations

import json
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

import pytest

SSHD = shutil.which("sshd") or "/usr/sbin/sshd"
SYSTEM_PYTHON = "/usr/bin/python3"
REPO = Path(__file__).resolve().parents[2]
FIXTURE = REPO / "tests" / "services" / "fixtures" / "wilson.json"

pytestmark = [
    pytest.mark.skipif(not os.path.exists(SSHD), reason="sshd is not installed"),
    pytest.mark.skipif(os.geteuid() != 0, reason="creating the service account needs root"),
    pytest.mark.skipif(not (shutil.which("useradd") and shutil.which("ssh")
                            and shutil.which("ssh-keygen") and os.path.exists(SYSTEM_PYTHON)),
                       reason="needs useradd, ssh, ssh-keygen and /usr/bin/python3"),
]


def _sh(*argv, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([str(a) for a in argv], check=True, capture_output=True, text=True,
                          timeout=120, **kw)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _python_for_the_account(root: Path) -> Path:
    """A virtualenv of the system Python that imports this checkout and its packages;
    returns its ``dentledger`` script."""
    venv = root / "venv"
    _sh(SYSTEM_PYTHON, "-m", "venv", "--without-pip", venv)
    site = Path(_sh(venv / "bin" / "python3", "-c",
                    "import sysconfig; print(sysconfig.get_paths()['purelib'])").stdout.strip())
    site.joinpath("dentledger-checkout.pth").write_text(
        f"{REPO}\n{sysconfig.get_paths()['purelib']}\n")
    script = venv / "bin" / "dentledger"
    script.write_text(f"#!{venv}/bin/python3\nimport sys\nfrom cli.main import main\n"
                      "sys.exit(main())\n")
    script.chmod(0o755)
    return script


class Office:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.user = f"dlssh{os.getpid() % 100000}"
        self.home = root / "home"
        self.data = root / "office"
        self.db = self.data / "dentledger.db"
        self.keys_file = self.home / ".ssh" / "authorized_keys"
        self.client = root / "client"
        self.port = _free_port()
        self.sshd: subprocess.Popen | None = None

    def dentledger(self, *args: str) -> subprocess.CompletedProcess:
        return _sh(self.script, "--db", self.db, *args,
                   env={**os.environ, "DENTLEDGER_AUTHORIZED_KEYS": str(self.keys_file)})

    def ssh(self, key: str, *command: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            ["ssh", "-F", "/dev/null", "-i", str(self.client / key), "-p", str(self.port),
             "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
             "-o", "BatchMode=yes", "-o", "IdentitiesOnly=yes", "-o", "LogLevel=ERROR",
             f"{self.user}@127.0.0.1", "--", *command],
            capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)

    def audit(self) -> list[dict]:
        return json.loads(self.dentledger("audit", "log", "--format", "json").stdout)


@pytest.fixture(scope="module")
def office():
    root = Path(tempfile.mkdtemp(prefix="dentledger-ssh-", dir="/tmp"))
    root.chmod(0o755)  # the service account walks through it to its home and the venv
    office = Office(root)
    try:
        _set_up(office)
        yield office
    finally:
        if office.sshd is not None:
            office.sshd.send_signal(signal.SIGTERM)
            office.sshd.wait(timeout=10)
        subprocess.run(["userdel", office.user], capture_output=True)
        shutil.rmtree(root, ignore_errors=True)


def _set_up(office: Office) -> None:
    office.home.mkdir(mode=0o755)
    office.data.mkdir(mode=0o700)
    office.client.mkdir(mode=0o700)
    _sh("useradd", "--no-create-home", "--home-dir", office.home, "--shell", "/bin/sh",
        office.user)
    _sh("usermod", "-p", "*", office.user)  # unlocked, with no password: keys only
    office.script = _python_for_the_account(office.root)
    for name in ("ana", "bob"):
        _sh("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", f"{name}@desk",
            "-f", office.client / name)
    office.dentledger("import", FIXTURE)
    office.dentledger("user", "add", "ana", "--role", "frontdesk", "--ssh-key",
                      (office.client / "ana.pub").read_text().strip())
    office.dentledger("user", "add", "bob", "--role", "billing", "--ssh-key",
                      (office.client / "bob.pub").read_text().strip())
    office.dentledger("user", "disable", "bob")
    account = pwd.getpwnam(office.user)
    for path in [office.home, office.data, *office.home.rglob("*"), *office.data.iterdir()]:
        os.chown(path, account.pw_uid, account.pw_gid)
    _start_sshd(office)


def _start_sshd(office: Office) -> None:
    folder = office.root / "sshd"
    folder.mkdir(mode=0o700)
    _sh("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", folder / "host_key")
    config = folder / "sshd_config"
    config.write_text("\n".join([
        f"Port {office.port}", "ListenAddress 127.0.0.1", f"HostKey {folder / 'host_key'}",
        f"PidFile {folder / 'sshd.pid'}", "UsePAM no", f"AuthorizedKeysFile {office.keys_file}",
        "StrictModes no", "PasswordAuthentication no", "KbdInteractiveAuthentication no",
        "PubkeyAuthentication yes", f"AllowUsers {office.user}", "LogLevel VERBOSE", ""]))
    os.makedirs("/run/sshd", mode=0o755, exist_ok=True)  # sshd's privilege-separation folder
    log = open(folder / "sshd.log", "w")
    office.sshd = subprocess.Popen([SSHD, "-D", "-e", "-f", str(config)], stdout=log,
                                   stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", office.port)) == 0:
                return
        if office.sshd.poll() is not None:
            break
        time.sleep(0.05)
    raise RuntimeError("sshd did not start: " + (folder / "sshd.log").read_text()[-500:])


def test_the_key_runs_the_command_as_its_user(office):
    done = office.ssh("ana", "balance", "wilson")
    assert done.returncode == 0, done.stderr
    assert "Wilson, James" in done.stdout
    done = office.ssh("ana", "ledger", "WILSON_J")
    assert done.returncode == 0, done.stderr
    viewed = office.audit()[-1]
    assert (viewed["action"], viewed["user"], viewed["patient"]) == ("viewed", "ana", "WILSON_J")
    assert viewed["os_user"] == office.user
    assert viewed["ssh_origin"].startswith("127.0.0.1 ")
    assert office.dentledger("audit", "verify").stdout.startswith("audit chain verified")


def test_the_role_follows_the_key(office):
    done = office.ssh("ana", "post", "adjustment", "--patient", "WILSON_J", "--amount", "-5.00",
                      "--code", "COURTESY")
    assert done.returncode == 1
    assert done.stderr.strip() == ("dentledger: Adjustments need the billing role; "
                                   "ana is frontdesk.")


@pytest.mark.parametrize("command", [("--as", "bob", "balance", "wilson"),
                                     ("--db", "/tmp/other.db", "balance", "wilson"),
                                     ("balance", "wilson", "--db=/tmp/other.db")])
def test_a_command_may_not_choose_the_user_or_the_database(office, command):
    done = office.ssh("ana", *command)
    assert done.returncode == 1 and done.stdout == ""
    assert "may not choose --db or --as" in done.stderr


def test_a_disabled_users_key_is_refused_by_sshd(office):
    assert "--as bob" not in office.keys_file.read_text()
    done = office.ssh("bob", "balance", "wilson")
    assert done.returncode == 255 and "Permission denied" in done.stderr


def test_the_forced_command_names_this_program_by_absolute_path(office):
    text = office.keys_file.read_text()
    assert f'command="{office.script} --db {office.db} --as ana",restrict,pty ssh-ed25519 ' in text


def test_no_command_opens_the_desk_on_a_terminal(office):
    """``ssh -t office@server``: the TUI, as the key's user, on the pty sshd gives it."""
    argv = ["ssh", "-tt", "-F", "/dev/null", "-i", str(office.client / "ana"), "-p",
            str(office.port), "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
            "-o", "BatchMode=yes", "-o", "IdentitiesOnly=yes", "-o", "LogLevel=ERROR",
            f"{office.user}@127.0.0.1"]
    import select
    with subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE) as desk:
        seen, deadline = b"", time.monotonic() + 60
        while b"Find patient" not in seen and time.monotonic() < deadline:
            if select.select([desk.stdout], [], [], 0.2)[0]:
                chunk = os.read(desk.stdout.fileno(), 65536)
                if not chunk:
                    break
                seen += chunk
        desk.stdin.write(b"\x11")  # ctrl+q
        desk.stdin.flush()
        desk.communicate(timeout=30)
    assert b"Find patient" in seen
    assert desk.returncode == 0
