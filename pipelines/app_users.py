"""The app's users: a YAML file of names, roles, districts and argon2 hashes.

``skillwatch users add NAME --role city|district|auditor [--district CODE]`` reads the
password from standard input (without echo on a terminal) and stores only its argon2id hash
in ``SKILLWATCH_USERS`` (default ``<warehouse>/users.yaml``); ``list``, ``remove``,
``passwd``. The Streamlit app checks logins against the same file through
:func:`verify`. Writes go through a lock and a rename, so a login never reads half a file.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from dataclasses import dataclass
from pathlib import Path

import yaml
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from filelock import FileLock

from pipelines.contract.districts import DISTRICTS
from pipelines.serving.scope import ROLES, Scope
from pipelines.settings import Settings, get_settings

MIN_PASSWORD = 8
_hasher = PasswordHasher()
# verified against when the user does not exist, so a wrong name costs as long as a wrong
# password (no user enumeration by timing)
_DUMMY_HASH = _hasher.hash("not-a-real-password")


class UserError(ValueError):
    """A user command that cannot be carried out (unknown user, bad role, weak password)."""


@dataclass(frozen=True)
class User:
    name: str
    role: str
    district_code: str | None = None

    @property
    def scope(self) -> Scope:
        return Scope(self.role, self.district_code, self.name)


def users_path(settings: Settings | None = None) -> Path:
    return (settings or get_settings()).users_path  # SKILLWATCH_USERS


def _load(path: Path) -> dict[str, dict]:
    if not path.exists():
        return {}
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return dict(data.get("users") or {})


def _save(path: Path, users: dict[str, dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".tmp-{os.getpid()}")
    tmp.write_text(
        yaml.safe_dump({"users": users}, allow_unicode=True, sort_keys=True), encoding="utf-8"
    )
    os.chmod(tmp, 0o600)  # hashes are slow to crack, not public
    os.replace(tmp, path)


def _lock(path: Path) -> FileLock:
    path.parent.mkdir(parents=True, exist_ok=True)
    return FileLock(str(path) + ".lock", timeout=10)


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise UserError(f"the password needs at least {MIN_PASSWORD} characters")


def _validate(name: str, role: str, district: str | None) -> None:
    if not name or not name.replace("_", "").replace("-", "").replace(".", "").isalnum():
        raise UserError(f"not a user name: {name!r} (letters, digits, _ - .)")
    if role not in ROLES:
        raise UserError(f"unknown role {role!r}; one of {', '.join(ROLES)}")
    if role == "district":
        if not district:
            raise UserError("a district user needs --district CODE")
        if district not in DISTRICTS:
            raise UserError(f"unknown district code {district!r}")
    elif district:
        raise UserError(f"a {role} user has no district")


def add_user(path: Path, name: str, role: str, password: str, district: str | None = None):
    _validate(name, role, district)
    _check_password(password)
    with _lock(path):
        users = _load(path)
        if name in users:
            raise UserError(f"user {name} exists (use passwd to change the password)")
        users[name] = {"role": role, "district_code": district, "hash": _hasher.hash(password)}
        _save(path, users)
    return User(name, role, district)


def remove_user(path: Path, name: str) -> None:
    with _lock(path):
        users = _load(path)
        if name not in users:
            raise UserError(f"no user {name}")
        del users[name]
        _save(path, users)


def set_password(path: Path, name: str, password: str) -> None:
    _check_password(password)
    with _lock(path):
        users = _load(path)
        if name not in users:
            raise UserError(f"no user {name}")
        users[name]["hash"] = _hasher.hash(password)
        _save(path, users)


def list_users(path: Path) -> list[User]:
    return [
        User(name, entry["role"], entry.get("district_code"))
        for name, entry in sorted(_load(path).items())
    ]


def verify(path: Path, name: str, password: str) -> User | None:
    """The user if the password matches, else None (unknown names cost the same time)."""
    entry = _load(path).get(name or "")
    try:
        _hasher.verify(entry["hash"] if entry else _DUMMY_HASH, password or "")
    except (VerificationError, InvalidHashError):
        return None
    if not entry:
        return None
    return User(name, entry["role"], entry.get("district_code"))


def _read_password(prompt: str = "password: ") -> str:
    if sys.stdin.isatty():
        first = getpass.getpass(prompt)
        if getpass.getpass("again: ") != first:
            raise UserError("the two passwords differ")
        return first
    return sys.stdin.readline().rstrip("\r\n")


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="skillwatch users", description="app users 用户")
    p.add_argument("--warehouse", help="warehouse folder (default: SKILLWATCH_WAREHOUSE)")
    sub = p.add_subparsers(dest="command", required=True)
    a = sub.add_parser("add", help="add a user; the password is read from standard input")
    a.add_argument("name")
    a.add_argument("--role", required=True, choices=ROLES)
    a.add_argument("--district", help="district code, for --role district")
    sub.add_parser("list", help="list the users (never their hashes)")
    r = sub.add_parser("remove", help="remove a user")
    r.add_argument("name")
    w = sub.add_parser("passwd", help="set a user's password (read from standard input)")
    w.add_argument("name")
    return p


def main_users(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    path = users_path(get_settings(args.warehouse))
    try:
        if args.command == "add":
            user = add_user(path, args.name, args.role, _read_password(), args.district)
            where = f" ({user.district_code} {DISTRICTS[user.district_code]})" if (
                user.district_code) else ""  # fmt: skip
            print(f"added {user.name}: {user.role}{where} in {path}")
        elif args.command == "list":
            for user in list_users(path):
                district = user.district_code or ""
                print(f"{user.name}\t{user.role}\t{district}")
        elif args.command == "remove":
            remove_user(path, args.name)
            print(f"removed {args.name}")
        elif args.command == "passwd":
            set_password(path, args.name, _read_password("new password: "))
            print(f"password of {args.name} changed")
    except UserError as exc:
        print(f"skillwatch users: {exc}", file=sys.stderr)
        return 2
    return 0
