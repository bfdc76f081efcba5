"""``qgis_process`` (QGIS's command-line runner) sees the gridgov provider via hasProcessingProvider=yes."""

from __future__ import annotations

import os
import shutil
import site
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# Debian's qgis_process wrapper injects --noversioncheck, which the binary rejects: call the binary.
BINARY = shutil.which("qgis_process.bin") or shutil.which("qgis_process")


def test_qgis_process_lists_the_algorithms(tmp_path):
    if BINARY is None:
        pytest.fail("qgis_process is not installed (make system installs it)")
    profile = tmp_path / "profiles" / "default" / "QGIS"
    profile.mkdir(parents=True)
    (profile / "QGIS3.ini").write_text("[PythonPlugins]\ngridgov=true\n", encoding="utf-8")
    env = dict(os.environ)
    env.update({
        "QGIS_CUSTOM_CONFIG_PATH": str(tmp_path),
        "QGIS_PLUGINPATH": str(ROOT / ".build" / "pkg"),
        "PYTHONPATH": os.pathsep.join(site.getsitepackages()),
        "QT_QPA_PLATFORM": "offscreen",
    })
    result = subprocess.run([BINARY, "list"], capture_output=True, text=True, env=env, timeout=300)
    assert "gridgov:democity" in result.stdout, result.stdout[-2000:] + result.stderr[-2000:]
