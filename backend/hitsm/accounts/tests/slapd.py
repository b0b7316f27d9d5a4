"""A throw-away OpenLDAP server for the LDAP tests.

A real ``slapd`` on 127.0.0.1 and a free port, with its own cn=config (``slapadd -n0`` of a
generated LDIF: mdb backend, ppolicy overlay, core/cosine/nis/inetorgperson schemas) and its own
data, all in a temporary directory. The directory is seeded with a few hospital staff:

* ``doctor_wang`` — complete entry (display name, department XNK, employee number, phones);
* ``nurse_zhou`` — complete entry, used by tests that change attributes;
* ``tech_sun`` — no ``displayName`` (falls back to ``cn``) and a department code HITSM lacks;
* ``former_liu`` — disabled: locked for good with ppolicy's ``pwdAccountLockedTime``;
* ``admin_sys`` — the same username as the local administrator persona.

Tests change entries with :meth:`Slapd.modify`; :meth:`Slapd.restore` undoes the changes.
"""

from __future__ import annotations

import base64
import contextlib
import ctypes
import hashlib
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Mapping
from pathlib import Path

import ldap3

BASE_DN = "dc=hospital,dc=example"
PEOPLE_DN = f"ou=people,{BASE_DN}"
ADMIN_DN = f"cn=admin,{BASE_DN}"
POLICY_DN = f"cn=default,ou=policies,{BASE_DN}"
ADMIN_PASSWORD = "Directory@Admin2026"
STAFF_PASSWORD = "Ldap@Hospital2026"

SCHEMA_DIR = Path("/etc/ldap/schema")
SCHEMAS = ("core", "cosine", "nis", "inetorgperson")
MODULE_DIRS = ("/usr/lib/ldap", "/usr/lib64/openldap", "/usr/lib/openldap", "/usr/libexec/openldap")

Attributes = Mapping[str, str | list[str]]

PEOPLE: dict[str, dict[str, str | list[str]]] = {
    "doctor_wang": {
        "cn": "王建国",
        "sn": "王",
        "displayName": "王医生",
        "departmentNumber": "XNK",
        "employeeNumber": "D2001",
        "mail": "doctor_wang@hospital.example",
        "telephoneNumber": "8201",
        "mobile": "13800002001",
        "title": "主治医师",
    },
    "nurse_zhou": {
        "cn": "周敏",
        "sn": "周",
        "displayName": "周护士",
        "departmentNumber": "MZ",
        "employeeNumber": "N3001",
        "mail": "nurse_zhou@hospital.example",
        "telephoneNumber": "8302",
        "mobile": "13800003001",
        "title": "护士",
    },
    "tech_sun": {
        "cn": "孙技师",
        "sn": "孙",
        "departmentNumber": "NOPE99",
        "employeeNumber": "T4001",
        "title": "技师",
    },
    "former_liu": {
        "cn": "刘离职",
        "sn": "刘",
        "displayName": "刘医生",
        "employeeNumber": "D2999",
        "pwdAccountLockedTime": "000001010000Z",
    },
    "admin_sys": {
        "cn": "冒名管理员",
        "sn": "冒",
        "displayName": "冒名管理员",
        "employeeNumber": "X0001",
    },
}


class SlapdUnavailable(RuntimeError):
    """slapd or slapadd is not installed on this machine."""


def find_tool(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    candidate = Path("/usr/sbin") / name
    return str(candidate) if candidate.exists() else None


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def ssha(password: str) -> str:
    salt = os.urandom(8)
    digest = hashlib.sha1(password.encode() + salt).digest()  # noqa: S324 — LDAP's {SSHA} scheme
    return "{SSHA}" + base64.b64encode(digest + salt).decode()


def _ldif_line(name: str, value: str) -> str:
    safe = value.isascii() and not value.startswith((" ", ":", "<")) and not value.endswith(" ")
    if safe and "\n" not in value:
        return f"{name}: {value}"
    return f"{name}:: {base64.b64encode(value.encode()).decode()}"


def ldif_entry(dn: str, attributes: Attributes) -> str:
    lines = [_ldif_line("dn", dn)]
    for name, values in attributes.items():
        for value in [values] if isinstance(values, str) else values:
            lines.append(_ldif_line(name, value))
    return "\n".join(lines) + "\n"


def _module_dir() -> str | None:
    for directory in MODULE_DIRS:
        if Path(directory, "back_mdb.la").exists() or Path(directory, "back_mdb.so").exists():
            return directory
    return None  # built in, as on some distributions


def config_ldif(workdir: Path, *, tls: bool = False) -> str:
    global_config: dict[str, str | list[str]] = {
        "objectClass": "olcGlobal",
        "cn": "config",
        "olcPidFile": str(workdir / "slapd.pid"),
        "olcArgsFile": str(workdir / "slapd.args"),
        "olcLogLevel": "none",
    }
    if tls:
        global_config |= {
            "olcTLSCACertificateFile": str(workdir / "ca.pem"),
            "olcTLSCertificateFile": str(workdir / "server.pem"),
            "olcTLSCertificateKeyFile": str(workdir / "server.key"),
        }
    entries = [ldif_entry("cn=config", global_config)]
    module_dir = _module_dir()
    if module_dir:
        entries.append(
            ldif_entry(
                "cn=module{0},cn=config",
                {
                    "objectClass": "olcModuleList",
                    "cn": "module{0}",
                    "olcModulePath": module_dir,
                    "olcModuleLoad": ["back_mdb", "ppolicy"],
                },
            )
        )
    entries.append(
        ldif_entry("cn=schema,cn=config", {"objectClass": "olcSchemaConfig", "cn": "schema"})
    )
    entries.extend((SCHEMA_DIR / f"{name}.ldif").read_text(encoding="utf-8") for name in SCHEMAS)
    entries.append(
        ldif_entry(
            "olcDatabase={-1}frontend,cn=config",
            {
                "objectClass": ["olcDatabaseConfig", "olcFrontendConfig"],
                "olcDatabase": "{-1}frontend",
                "olcSizeLimit": "500",
            },
        )
    )
    entries.append(
        ldif_entry(
            "olcDatabase={0}config,cn=config",
            {
                "objectClass": "olcDatabaseConfig",
                "olcDatabase": "{0}config",
                "olcAccess": "{0}to * by * none",
            },
        )
    )
    entries.append(
        ldif_entry(
            "olcDatabase={1}mdb,cn=config",
            {
                "objectClass": ["olcDatabaseConfig", "olcMdbConfig"],
                "olcDatabase": "{1}mdb",
                "olcDbDirectory": str(workdir / "data"),
                "olcDbMaxSize": str(16 * 1024 * 1024),
                "olcSuffix": BASE_DN,
                "olcRootDN": ADMIN_DN,
                "olcRootPW": ssha(ADMIN_PASSWORD),
                "olcDbIndex": ["objectClass eq", "uid eq"],
                "olcAccess": [
                    "{0}to attrs=userPassword by self write by anonymous auth by * none",
                    "{1}to * by users read by * none",
                ],
            },
        )
    )
    entries.append(
        ldif_entry(
            "olcOverlay={0}ppolicy,olcDatabase={1}mdb,cn=config",
            {
                "objectClass": ["olcOverlayConfig", "olcPPolicyConfig"],
                "olcOverlay": "{0}ppolicy",
                "olcPPolicyDefault": POLICY_DN,
            },
        )
    )
    # Blank lines separate LDIF records; strip each so that schema files' comments stay inside.
    return "\n".join(entry.strip() + "\n" for entry in entries)


def data_ldif() -> str:
    entries = [
        ldif_entry(
            BASE_DN,
            {"objectClass": ["dcObject", "organization"], "dc": "hospital", "o": "示例医院"},
        ),
        ldif_entry(PEOPLE_DN, {"objectClass": "organizationalUnit", "ou": "people"}),
        ldif_entry(
            f"ou=policies,{BASE_DN}", {"objectClass": "organizationalUnit", "ou": "policies"}
        ),
        ldif_entry(
            POLICY_DN,
            {
                "objectClass": ["organizationalRole", "pwdPolicy"],
                "cn": "default",
                "pwdAttribute": "userPassword",
                "pwdLockout": "TRUE",
            },
        ),
    ]
    for uid, attributes in PEOPLE.items():
        entries.append(
            ldif_entry(
                f"uid={uid},{PEOPLE_DN}",
                {
                    "objectClass": ["inetOrgPerson", "posixAccount"],
                    "uid": uid,
                    "uidNumber": str(10000 + len(entries)),
                    "gidNumber": "10000",
                    "homeDirectory": f"/home/{uid}",
                    "userPassword": ssha(STAFF_PASSWORD),
                    **attributes,
                },
            )
        )
    return "\n".join(entries)


def make_certificates(workdir: Path, openssl: str) -> None:
    """A test CA, a server certificate it signs (localhost, 127.0.0.1), and an unrelated CA."""

    def run(command: str, *extra: str) -> None:
        args = [openssl, *command.split(), *extra]
        result = subprocess.run(
            args, cwd=workdir, capture_output=True, text=True, timeout=60, check=False
        )
        if result.returncode != 0:
            raise RuntimeError(f"{' '.join(args)} failed:\n{result.stderr}")

    ec = "-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2"
    for name in ("ca", "other-ca"):
        run(f"req -x509 {ec} -keyout {name}.key -out {name}.pem", "-subj", f"/CN=HITSM {name}")
    run(f"req {ec} -keyout server.key -out server.csr -subj /CN=localhost")
    (workdir / "server.ext").write_text(
        "subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\n"
        "extendedKeyUsage=serverAuth\n"
    )
    run(
        "x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2"
        " -out server.pem -extfile server.ext"
    )


def _die_with_parent() -> None:
    """In the child before exec: SIGTERM slapd if the test process dies without stopping it."""
    # Not Linux/glibc: no harm, stop() still ends slapd on every normal exit.
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


class Slapd:
    """One slapd process; :meth:`start` and :meth:`stop` it, or use it as a context manager."""

    def __init__(self) -> None:
        slapd, slapadd = find_tool("slapd"), find_tool("slapadd")
        if not slapd or not slapadd:
            raise SlapdUnavailable("slapd/slapadd not found (apt-get install slapd ldap-utils)")
        self.slapd, self.slapadd = slapd, slapadd
        self.workdir = Path(tempfile.mkdtemp(prefix="hitsm-slapd-"))
        self.port = 0
        self.tls_port = 0
        self.openssl = shutil.which("openssl")
        self.process: subprocess.Popen[bytes] | None = None
        self.startup_seconds = 0.0
        self._undo: list[tuple[str, dict[str, list[str]]]] = []

    @property
    def url(self) -> str:
        return f"ldap://127.0.0.1:{self.port}"

    @property
    def ldaps_url(self) -> str:
        return f"ldaps://127.0.0.1:{self.tls_port}"

    @property
    def ca_file(self) -> str | None:
        """The CA that signed the server certificate; None when openssl is missing (no TLS)."""
        return str(self.workdir / "ca.pem") if self.openssl else None

    @property
    def other_ca_file(self) -> str | None:
        return str(self.workdir / "other-ca.pem") if self.openssl else None

    def __enter__(self) -> Slapd:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _run(self, *args: str) -> None:
        result = subprocess.run(args, capture_output=True, text=True, timeout=60, check=False)
        if result.returncode != 0:
            raise RuntimeError(f"{' '.join(args)} failed:\n{result.stdout}{result.stderr}")

    def _build(self) -> Path:
        config_dir = self.workdir / "slapd.d"
        config_dir.mkdir()
        (self.workdir / "data").mkdir()
        if self.openssl:
            make_certificates(self.workdir, self.openssl)
        (self.workdir / "config.ldif").write_text(
            config_ldif(self.workdir, tls=bool(self.openssl)), encoding="utf-8"
        )
        (self.workdir / "data.ldif").write_text(data_ldif(), encoding="utf-8")
        self._run(
            self.slapadd, "-n0", "-F", str(config_dir), "-l", str(self.workdir / "config.ldif")
        )
        self._run(
            self.slapadd,
            "-F",
            str(config_dir),
            "-b",
            BASE_DN,
            "-l",
            str(self.workdir / "data.ldif"),
        )
        return config_dir

    def start(self, *, attempts: int = 3, timeout: float = 15.0) -> None:
        started = time.monotonic()
        config_dir = self._build()
        log_path = self.workdir / "slapd.log"
        for _ in range(attempts):
            self.port, self.tls_port = free_port(), free_port()
            urls = f"{self.url}/ {self.ldaps_url}/" if self.openssl else f"{self.url}/"
            with log_path.open("wb") as log:
                # -d keeps slapd in the foreground, so terminate()/wait() own its whole life.
                self.process = subprocess.Popen(
                    [self.slapd, "-d", "0", "-F", str(config_dir), "-h", urls],
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    preexec_fn=_die_with_parent,
                )
            if self._wait_until_listening(timeout):
                self.startup_seconds = time.monotonic() - started
                return
            self._terminate()  # lost the port to someone else, or slapd refused to start
        log_text = log_path.read_text(errors="replace") if log_path.exists() else ""
        raise RuntimeError(
            f"slapd did not start in {self.workdir} (on Ubuntu, AppArmor confines "
            f"/usr/sbin/slapd to its own paths: disable its profile for tests):\n{log_text}"
        )

    def _wait_until_listening(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process is None or self.process.poll() is not None:
                return False
            ports = [self.port, self.tls_port] if self.openssl else [self.port]
            try:
                for port in ports:
                    with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                        pass
                return True
            except OSError:
                time.sleep(0.02)
        return False

    def _terminate(self) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self.process = None

    def stop(self) -> None:
        self._terminate()
        shutil.rmtree(self.workdir, ignore_errors=True)

    # --- changing the directory while it runs ---------------------------------------------

    def admin_connection(self) -> ldap3.Connection:
        return ldap3.Connection(
            ldap3.Server(self.url, connect_timeout=5),
            user=ADMIN_DN,
            password=ADMIN_PASSWORD,
            auto_bind=True,
            raise_exceptions=True,
            receive_timeout=10,
        )

    def modify(self, uid: str, **changes: str | list[str] | None) -> None:
        """Replace attributes of ``uid`` (``None`` deletes one); :meth:`restore` undoes it."""
        dn = f"uid={uid},{PEOPLE_DN}"
        with self.admin_connection() as connection:
            connection.search(dn, "(objectClass=*)", ldap3.BASE, attributes=list(changes))
            found = connection.response[0]["raw_attributes"] if connection.response else {}
            before = {name: [v.decode() for v in found.get(name, [])] for name in changes}
            self._undo.append((dn, before))
            connection.modify(dn, self._replacements(changes))

    @staticmethod
    def _replacements(changes: Mapping[str, str | list[str] | None]) -> dict[str, list]:
        modifications: dict[str, list] = {}
        for name, value in changes.items():
            values = [] if value is None else [value] if isinstance(value, str) else value
            modifications[name] = [(ldap3.MODIFY_REPLACE, values)]
        return modifications

    def restore(self) -> None:
        if not self._undo:
            return
        with self.admin_connection() as connection:
            while self._undo:
                dn, before = self._undo.pop()
                connection.modify(dn, self._replacements(before))
