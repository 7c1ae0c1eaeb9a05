"""LDAP / Active Directory sign-in against a real OpenLDAP server (slapd) the test starts itself.

slapd runs from a temporary slapd.conf (mdb backend in a temporary folder) on a free loopback port, with
two people and three groups loaded by slapadd before it starts. scripts/setup installs `slapd ldap-utils`;
without them the tests are skipped, saying so. The sign-in goes through the real login form, so the
throttle and the audit are exercised as in production.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from prosedur_web.accounts import directory_settings
from prosedur_web.accounts.models import LoginThrottle, User
from prosedur_web.audit.models import AuditEntry

from .conftest import PASSWORD, World

SLAPD = shutil.which("slapd") or "/usr/sbin/slapd"
SLAPADD = shutil.which("slapadd") or "/usr/sbin/slapadd"
pytestmark = pytest.mark.skipif(
    not (Path(SLAPD).exists() and Path(SLAPADD).exists()),
    reason="slapd is not installed (apt-get install slapd ldap-utils; scripts/setup does it): LDAP tests skipped",
)
ldap = pytest.importorskip("ldap", reason="python-ldap is not installed (the `directory` extra): LDAP tests skipped")

SUFFIX = "dc=contoh,dc=go,dc=id"
ROOT_DN, ROOT_PW = f"cn=admin,{SUFFIX}", "rahasia-admin"
BIND_DN, BIND_PW = f"cn=prosedur,ou=layanan,{SUFFIX}", "rahasia-layanan"
SITI_PW, RUDI_PW = "sandi-siti-direktori", "sandi-rudi-direktori"
GROUPS = f"ou=grup,{SUFFIX}"
SCHEMA = Path("/etc/ldap/schema")

LDIF = f"""dn: {SUFFIX}
objectClass: dcObject
objectClass: organization
o: Kementerian Contoh
dc: contoh

dn: ou=orang,{SUFFIX}
objectClass: organizationalUnit
ou: orang

dn: ou=layanan,{SUFFIX}
objectClass: organizationalUnit
ou: layanan

dn: {GROUPS}
objectClass: organizationalUnit
ou: grup

dn: {BIND_DN}
objectClass: person
cn: prosedur
sn: layanan
userPassword: {BIND_PW}

dn: uid=siti,ou=orang,{SUFFIX}
objectClass: inetOrgPerson
uid: siti
cn: Siti Cn
sn: Rahayu
displayName: Siti Rahayu, S.Kom.
mail: siti@contoh.go.id
employeeNumber: 198501012010012001
title: Pranata Komputer Ahli Muda
departmentNumber: pusdatin
userPassword: {SITI_PW}

dn: uid=rudi,ou=orang,{SUFFIX}
objectClass: inetOrgPerson
uid: rudi
cn: Rudi Hartono
sn: Hartono
mail: rudi@contoh.go.id
userPassword: {RUDI_PW}

dn: cn=penyusun-sop,{GROUPS}
objectClass: groupOfNames
cn: penyusun-sop
member: uid=siti,ou=orang,{SUFFIX}

dn: cn=pemeriksa-sop,{GROUPS}
objectClass: groupOfNames
cn: pemeriksa-sop
member: uid=siti,ou=orang,{SUFFIX}
member: uid=rudi,ou=orang,{SUFFIX}

dn: cn=semua-pegawai,{GROUPS}
objectClass: groupOfNames
cn: semua-pegawai
member: uid=siti,ou=orang,{SUFFIX}
member: uid=rudi,ou=orang,{SUFFIX}
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def slapd(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A running slapd with the LDIF above; yields its URI, stops it and removes its files afterwards."""
    base = tmp_path_factory.mktemp("slapd")
    (base / "db").mkdir()
    conf = base / "slapd.conf"
    conf.write_text("\n".join([
        *(f"include {SCHEMA / name}.schema" for name in ("core", "cosine", "inetorgperson")),
        "modulepath /usr/lib/ldap", "moduleload back_mdb",
        f"pidfile {base / 'slapd.pid'}", f"argsfile {base / 'slapd.args'}",
        "database mdb", "maxsize 10485760", f'suffix "{SUFFIX}"', f'rootdn "{ROOT_DN}"', f"rootpw {ROOT_PW}",
        f"directory {base / 'db'}",
        "access to attrs=userPassword by self write by anonymous auth by * none",
        "access to * by * read",
        "",
    ]), encoding="utf-8")
    (base / "data.ldif").write_text(LDIF, encoding="utf-8")
    subprocess.run([SLAPADD, "-f", str(conf), "-l", str(base / "data.ldif")], check=True, capture_output=True,
                   timeout=30)
    port = _free_port()
    uri = f"ldap://127.0.0.1:{port}"
    # -d 0: stay in the foreground (the test owns the process) without debug output
    log = (base / "slapd.log").open("wb")
    proc = subprocess.Popen([SLAPD, "-f", str(conf), "-h", uri + "/", "-d", "0"], stdout=log, stderr=log)
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("slapd did not start: " + (base / "slapd.log").read_text()[-2000:]) from None
                time.sleep(0.05)
        yield uri
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()
        shutil.rmtree(base, ignore_errors=True)


def _env(uri: str, **extra: str) -> dict[str, str]:
    return {
        "PROSEDUR_LDAP_URI": uri,
        "PROSEDUR_LDAP_BIND_DN": BIND_DN,
        "PROSEDUR_LDAP_BIND_PASSWORD": BIND_PW,
        "PROSEDUR_LDAP_USER_BASE": f"ou=orang,{SUFFIX}",
        "PROSEDUR_LDAP_USER_FILTER": "(uid=%(user)s)",
        "PROSEDUR_LDAP_GROUP_BASE": GROUPS,
        "PROSEDUR_LDAP_ATTR_UNIT": "departmentNumber",
        "PROSEDUR_LDAP_ROLE_GROUPS": f"penyusun=cn=penyusun-sop,{GROUPS};pemeriksa=cn=pemeriksa-sop,{GROUPS};"
                                     f"pembaca=cn=semua-pegawai,{GROUPS}",
        **extra,
    }


@pytest.fixture
def ldap_on(settings: Any, slapd: str) -> None:
    values = directory_settings.ldap_settings(_env(slapd))
    for name, value in values.items():
        setattr(settings, name, value)
    settings.AUTHENTICATION_BACKENDS = directory_settings.backends(True, False)


def _login(username: str, password: str) -> tuple[Client, int]:
    client = Client()
    response = client.post(reverse("accounts:login"), {"username": username, "password": password})
    return client, response.status_code


def _roles(username: str) -> list[str]:
    return sorted(User.objects.get(username=username).groups.values_list("name", flat=True))


def _set_members(group: str, members: list[str], uri: str) -> None:
    conn = ldap.initialize(uri)
    conn.simple_bind_s(ROOT_DN, ROOT_PW)
    dns = [f"uid={m},ou=orang,{SUFFIX}".encode() for m in members]
    conn.modify_s(f"cn={group},{GROUPS}", [(ldap.MOD_REPLACE, "member", dns)])
    conn.unbind_s()


def test_a_directory_user_signs_in_with_profile_and_roles_mirrored(world: World, ldap_on: None) -> None:
    client, status = _login("siti", SITI_PW)
    assert status == 302
    siti = User.objects.get(username="siti")
    assert client.session["_auth_user_id"] == str(siti.pk)
    assert (siti.full_name, siti.email, siti.nip, siti.position) == (
        "Siti Rahayu, S.Kom.", "siti@contoh.go.id", "198501012010012001", "Pranata Komputer Ahli Muda")
    assert siti.unit == world.own_unit  # departmentNumber "pusdatin" -> Unit.code
    assert not siti.has_usable_password()  # the password stays in the directory
    assert _roles("siti") == ["pembaca", "pemeriksa", "penyusun"]
    login = AuditEntry.objects.filter(action="login", actor=siti).get()
    assert login.data == {"via": "ldap"}
    sync = AuditEntry.objects.filter(action="directory_sync", actor=siti).get()
    assert sync.data["roles"] == {"added": ["pembaca", "pemeriksa", "penyusun"]}
    # displayName missing: cn is the name; no unit attribute: no unit
    _login("rudi", RUDI_PW)
    rudi = User.objects.get(username="rudi")
    assert (rudi.full_name, rudi.unit, rudi.nip) == ("Rudi Hartono", None, "")
    assert _roles("rudi") == ["pembaca", "pemeriksa"]


def test_a_wrong_password_fails_and_is_counted(world: World, ldap_on: None) -> None:
    client, status = _login("siti", "bukan-sandinya")
    assert status == 200 and "_auth_user_id" not in client.session
    assert not User.objects.filter(username="siti").exists()
    assert LoginThrottle.objects.get(username="siti").failures == 1
    _, status = _login("tidak-ada-orangnya", "apa-saja-panjang")
    assert status == 200 and not User.objects.filter(username="tidak-ada-orangnya").exists()


def test_a_group_change_in_the_directory_is_mirrored_at_the_next_sign_in(world: World, ldap_on: None, slapd: str) -> None:
    _login("siti", SITI_PW)
    assert "penyusun" in _roles("siti")
    siti = User.objects.get(username="siti")
    siti.groups.add(world.users["approver"].groups.get(name="pengesah"))  # set on the people pages, not mapped
    try:
        _set_members("penyusun-sop", ["rudi"], slapd)
        _, status = _login("siti", SITI_PW)
        assert status == 302
        assert _roles("siti") == ["pembaca", "pemeriksa", "pengesah"]  # penyusun gone, unmapped role kept
        assert AuditEntry.objects.filter(action="directory_sync", actor=siti).last().data["roles"] == {
            "removed": ["penyusun"]}
    finally:
        _set_members("penyusun-sop", ["siti"], slapd)


def test_a_deactivated_user_is_refused_though_the_directory_agrees(world: World, ldap_on: None) -> None:
    _login("siti", SITI_PW)
    User.objects.filter(username="siti").update(is_active=False, full_name="Siti (keluar)")
    client, status = _login("siti", SITI_PW)
    assert status == 200 and "_auth_user_id" not in client.session
    assert User.objects.get(username="siti").full_name == "Siti (keluar)"  # nothing copied either


def test_local_accounts_keep_working_and_are_not_taken_over(world: World, ldap_on: None, slapd: str) -> None:
    client, status = _login("admin", PASSWORD)  # no such entry in the directory: ModelBackend
    assert status == 302 and client.session["_auth_user_id"] == str(world.users["admin"].pk)
    # a local account named like a directory entry keeps its local password and is not signed in by the directory
    local = User.objects.create(username="rudi", full_name="Rudi Lokal")
    local.set_password("sandi-lokal-rudi-1")
    local.save()
    _, status = _login("rudi", RUDI_PW)
    assert status == 200
    _, status = _login("rudi", "sandi-lokal-rudi-1")
    assert status == 302
    assert User.objects.get(username="rudi").full_name == "Rudi Lokal"


def test_the_directory_takes_over_an_account_made_without_password(world: World, ldap_on: None) -> None:
    """The people pages create a person without a password; the directory then signs them in."""
    User.objects.create(username="siti", full_name="Siti", unit=world.other_unit, password="!")
    _, status = _login("siti", SITI_PW)
    assert status == 302
    assert User.objects.get(username="siti").unit == world.own_unit


def test_filter_values_are_escaped(world: World, ldap_on: None) -> None:
    _, status = _login("*)(uid=*", SITI_PW)
    assert status == 200 and not User.objects.exclude(pk__in=[u.pk for u in world.users.values()]).exists()


def test_bad_settings_name_the_variable() -> None:
    with pytest.raises(Exception, match="PROSEDUR_LDAP_ROLE_GROUPS: peran 'raja'"):
        directory_settings.ldap_settings(_env("ldap://127.0.0.1:1", PROSEDUR_LDAP_ROLE_GROUPS="raja=cn=x"))
    with pytest.raises(Exception, match="PROSEDUR_LDAP_USER_FILTER"):
        directory_settings.ldap_settings(_env("ldap://127.0.0.1:1", PROSEDUR_LDAP_USER_FILTER="(uid=x)"))
    assert directory_settings.ldap_settings({}) == {"PROSEDUR_LDAP_ENABLED": False}


def test_a_directory_user_confirms_a_signature_with_the_directory_password(world: World, ldap_on: None) -> None:
    from prosedur_web.accounts.services import password_confirm

    _login("siti", SITI_PW)
    siti = User.objects.get(username="siti")
    assert password_confirm(user=siti, password=SITI_PW, ip="127.0.0.1")
    assert not password_confirm(user=siti, password="bukan-sandinya", ip="127.0.0.1")
    assert not password_confirm(user=siti, password=RUDI_PW, ip="127.0.0.1")  # another entry's password
