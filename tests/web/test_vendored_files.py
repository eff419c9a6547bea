"""Every vendored front-end file is the one pinned in app/static/vendor.lock.json."""

import re

import pytest

from tests.vendor_lock import STATIC, LockedFile, load_lock, locked_files, sha256, vendored_on_disk

LOCK = load_lock()
FILES = locked_files(LOCK)


def test_every_vendored_file_is_pinned_and_every_pin_exists() -> None:
    assert vendored_on_disk() == {file.path for file in FILES}


@pytest.mark.parametrize("file", FILES, ids=[file.path for file in FILES])
def test_vendored_file_matches_its_sha256(file: LockedFile) -> None:
    assert sha256((STATIC / file.path).read_bytes()) == file.sha256


def test_each_package_is_pinned_by_name_version_licence_and_integrity() -> None:
    for package in LOCK["packages"]:
        assert re.fullmatch(r"[a-z@][a-z0-9./-]*", package["name"]), package
        assert re.fullmatch(r"\d+\.\d+\.\d+", package["version"]), package
        assert package["license"] in {"MIT", "Apache-2.0"}, package
        assert re.fullmatch(r"sha512-[A-Za-z0-9+/]{86}==", package["integrity"]), package


def test_graphql_ws_is_the_pinned_release() -> None:
    versions = {p["name"]: p["version"] for p in LOCK["packages"]}
    assert versions["graphql-ws"] == "6.4.2"
