"""The vendored front-end files against app/static/vendor.lock.json.

`python -m tests.vendor_lock` (make vendor-verify) re-fetches every locked package
from the npm registry with `npm pack`, checks the registry's integrity hash and the
licence, and proves each vendored file is byte for byte the one in the package.
"""

import hashlib
import json
import subprocess
import sys
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

STATIC = Path(__file__).resolve().parents[1] / "app" / "static"
LOCK = STATIC / "vendor.lock.json"
# Folders whose every file must be pinned by the lock.
VENDORED_DIRS = ("vendor", "graphiql")


@dataclass(frozen=True)
class LockedFile:
    path: str
    sha256: str
    package: str | None  # None: gathered here (e.g. a licence collection), not from npm
    source: str | None  # the file's path inside the package


def load_lock() -> dict[str, Any]:
    lock: dict[str, Any] = json.loads(LOCK.read_text())
    return lock


def locked_files(lock: dict[str, Any]) -> list[LockedFile]:
    files = [
        LockedFile(f["path"], f["sha256"], f"{p['name']}@{p['version']}", f["from"])
        for p in lock["packages"]
        for f in p["files"]
    ]
    files += [LockedFile(f["path"], f["sha256"], None, None) for f in lock["local"]]
    return files


def vendored_on_disk() -> set[str]:
    return {
        path.relative_to(STATIC).as_posix()
        for folder in VENDORED_DIRS
        for path in (STATIC / folder).rglob("*")
        if path.is_file()
    }


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def verify_against_npm(lock: dict[str, Any]) -> list[str]:
    """Problems found re-fetching each locked package from npm; empty when all match."""
    problems = []
    with tempfile.TemporaryDirectory() as folder:
        for package in lock["packages"]:
            spec = f"{package['name']}@{package['version']}"
            packed = subprocess.run(
                ["npm", "pack", spec, "--json", "--silent", "--pack-destination", folder],
                check=True,
                capture_output=True,
                text=True,
            )
            (info,) = json.loads(packed.stdout)
            if info["integrity"] != package["integrity"]:
                problems.append(f"{spec}: the registry's integrity is {info['integrity']}")
            with tarfile.open(Path(folder) / info["filename"]) as tar:
                manifest = _member(tar, "package.json")
                if manifest is None or json.loads(manifest)["license"] != package["license"]:
                    problems.append(f"{spec}: the licence is not {package['license']}")
                for file in package["files"]:
                    published = _member(tar, file["from"])
                    vendored = (STATIC / file["path"]).read_bytes()
                    if published is None:
                        problems.append(f"{spec}: has no {file['from']}")
                    elif sha256(published) != file["sha256"] or published != vendored:
                        problems.append(f"{spec}: {file['from']} differs from {file['path']}")
            print(f"{spec}: integrity {info['integrity'][:20]}..., {len(package['files'])} files")
    return problems


def _member(tar: tarfile.TarFile, path: str) -> bytes | None:
    try:
        member = tar.extractfile(f"package/{path}")
    except KeyError:
        return None
    return None if member is None else member.read()


def main() -> int:
    problems = verify_against_npm(load_lock())
    for problem in problems:
        print(problem, file=sys.stderr)
    if not problems:
        print("every vendored file is byte for byte the one published on npm")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
