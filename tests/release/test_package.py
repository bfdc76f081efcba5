"""The zip `make package` builds passes plugins.qgis.org's upload checks.

The rules are those of QGIS-Django's upload validator (``qgis-app/plugins/validator.py``), each
written here as its own assertion so a failure names the rule: size, no path tricks, no compiled
or VCS files, one top folder with a valid name holding ``__init__.py`` and ``metadata.txt``, the
required metadata, an icon, well-formed tracker / repository / homepage URLs, a ``LICENSE`` file, an
author without slashes. The validator also sends a HEAD request to each URL; this machine reaches no
web site, so that one rule is not checked here. Beyond the validator: no placeholder addresses, the
version is CHANGELOG.md's latest entry, and development files stay out of the zip.

The zip is built by ``scripts/package.sh`` (qgis-plugin-ci, from the committed HEAD) with the
qgis-plugin-ci of ``.venv-release``, which ``make test`` sets up.
"""

from __future__ import annotations

import configparser
import io
import os
import re
import subprocess
import zipfile
from pathlib import Path
from urllib.parse import urlparse

import pytest

ROOT = Path(__file__).resolve().parents[2]
MAX_UPLOAD_BYTES = 25_000_000  # PLUGIN_MAX_UPLOAD_SIZE
REQUIRED_METADATA = (
    "name",
    "description",
    "version",
    "qgisMinimumVersion",
    "author",
    "email",
    "about",
    "tracker",
    "repository",
)
BOOLEAN_METADATA = ("experimental", "deprecated", "server")
#: the validator's own "not filled in" URLs, and the reserved example domains
FORBIDDEN_URLS = {"tracker": "http://bugs", "repository": "http://repo", "homepage": "http://homepage"}
PLACEHOLDER = re.compile(r"(^|[.@/])example\.(org|com|net)\b|\.example\b|localhost", re.IGNORECASE)


@pytest.fixture(scope="module")
def package(tmp_path_factory) -> zipfile.ZipFile:
    qpc = ROOT / ".venv-release" / "bin" / "qgis-plugin-ci"
    assert qpc.exists(), "make test sets up .venv-release (qgis-plugin-ci); run it through make"
    env = dict(os.environ, QPC=str(qpc))
    done = subprocess.run(
        ["bash", "scripts/package.sh"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stdout + done.stderr
    path = ROOT / "dist" / "gridgov.zip"
    copy = tmp_path_factory.mktemp("package") / path.name
    copy.write_bytes(path.read_bytes())
    with zipfile.ZipFile(copy) as archive:
        yield archive


@pytest.fixture(scope="module")
def metadata(package) -> dict[str, str]:
    parser = configparser.ConfigParser()
    parser.optionxform = str  # the validator keeps the keys' case
    parser.read_file(io.StringIO(package.read("gridgov/metadata.txt").decode("utf8")))
    assert parser.has_section("general"), "metadata.txt has no [general] section"
    return dict(parser.items("general"))


def test_size_and_integrity(package):
    assert Path(package.filename).stat().st_size <= MAX_UPLOAD_BYTES
    assert package.testzip() is None, "a member fails its CRC check"


def test_no_path_tricks_compiled_or_vcs_files(package):
    for name in package.namelist():
        assert ".." not in name and not name.startswith("/"), name
        assert ".pyc" not in name, name
        parts = name.split("/")
        for forbidden in ("__MACOSX", ".git", "__pycache__"):
            assert forbidden not in parts, name


def test_one_top_folder_named_as_the_package(package):
    tops = {name.split("/")[0] for name in package.namelist()}
    assert len(tops) == 1, tops  # the validator warns on several parent folders
    [top] = tops
    assert re.match(r"^[A-Za-z][A-Za-z0-9-_]+$", top), top  # the validator's rule for the folder name
    assert top == "gridgov"  # the package name the plugin's imports use
    names = set(package.namelist())
    assert {"gridgov/__init__.py", "gridgov/metadata.txt", "gridgov/LICENSE"} <= names


def test_required_metadata(metadata):
    missing = [key for key in REQUIRED_METADATA if not metadata.get(key, "").strip()]
    assert not missing, f"metadata.txt lacks {missing}"
    for flag in BOOLEAN_METADATA:
        if flag in metadata:
            assert metadata[flag].strip().lower() in ("true", "false", "1", "0", "yes", "no"), flag
    assert "/" not in metadata["author"], "the author may not contain slashes"
    assert re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", metadata["email"].strip()), metadata["email"]


def test_urls_are_real_addresses(metadata):
    for key, forbidden in FORBIDDEN_URLS.items():
        url = metadata.get(key, "").strip()
        if key == "homepage" and not url:
            continue
        parsed = urlparse(url)
        assert url != forbidden and parsed.scheme == "https" and parsed.netloc, f"{key}={url!r}"
    for key in ("email", "tracker", "repository", "homepage"):
        assert not PLACEHOLDER.search(metadata.get(key, "")), f"{key} is a placeholder: {metadata[key]}"


def test_icon_is_in_the_zip(package, metadata):
    icon = metadata["icon"].removeprefix("./")
    assert f"gridgov/{icon}" in package.namelist()


def test_version_and_changelog(package, metadata):
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf8")
    latest = re.search(r"^## \[?(\d+\.\d+\.\d+)\]? - \d{4}-\d{2}-\d{2}", changelog, re.MULTILINE)
    assert latest, "CHANGELOG.md has no released entry"
    assert metadata["version"] == latest.group(1)
    # qgis-plugin-ci copied the entries into the changelog shown by QGIS's plugin manager
    assert f"Version {latest.group(1)}:" in metadata["changelog"]
    assert "\n- " in metadata["changelog"], metadata["changelog"]  # its list items, not just version lines


def test_only_the_plugin_is_shipped(package):
    names = package.namelist()
    for dev in ("tests/", "scripts/", ".ci/", "requirements/", "docs/", "Makefile", "pyproject.toml"):
        assert not any(name.startswith(f"gridgov/{dev}") for name in names), dev
    # what the plugin loads at run time is there: translations, styles, layouts, the taxonomy
    for needed in ("resources/i18n/gridgov_zh_CN.qm", "resources/styles/", "resources/layouts/", "resources/taxonomy/"):
        assert any(name.startswith(f"gridgov/{needed}") for name in names), needed
