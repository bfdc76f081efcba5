"""Which Python, which pip commands and which folder the in-QGIS installer uses, per platform (faked),
and one real install from PyPI into a temporary folder with the real commands."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from gridgov.grid_ops.runtime import deps, install
from gridgov.grid_ops.runtime.install import PythonEnvironment


def _env(platform, executable, prefix, base_prefix, files, version=(3, 12)):
    return PythonEnvironment(platform, executable, prefix, base_prefix, version, frozenset(files))


OSGEO4W = _env(
    "win32",
    r"C:\OSGeo4W\bin\qgis-bin.exe",
    r"C:\OSGeo4W\apps\Python312",
    r"C:\OSGeo4W\apps\Python312",
    [r"C:\OSGeo4W\apps\Python312\python.exe", r"C:\OSGeo4W\apps\Python312\python3.exe", r"C:\OSGeo4W\bin\qgis-bin.exe"],
)
# the standalone installer, started without PYTHONHOME: sys.base_prefix points at the bin folder
STANDALONE = _env(
    "win32",
    r"C:\Program Files\QGIS 3.40.6\bin\qgis-bin.exe",
    r"C:\Program Files\QGIS 3.40.6\bin",
    r"C:\Program Files\QGIS 3.40.6\bin",
    [r"C:\Program Files\QGIS 3.40.6\apps\Python312\python.exe", r"C:\Program Files\QGIS 3.40.6\bin\qgis-bin.exe"],
)
MACOS = _env(
    "darwin",
    "/Applications/QGIS-LTR.app/Contents/MacOS/QGIS",
    "/Applications/QGIS-LTR.app/Contents/Frameworks",
    "/Applications/QGIS-LTR.app/Contents/Frameworks",
    ["/Applications/QGIS-LTR.app/Contents/MacOS/bin/python3", "/Applications/QGIS-LTR.app/Contents/MacOS/QGIS"],
)
DEBIAN = _env(
    "linux",
    "/usr/bin/qgis",
    "/usr",
    "/usr",
    ["/usr/bin/python3.11", "/usr/bin/python3", "/usr/lib/python3.11/EXTERNALLY-MANAGED"],
    (3, 11),
)
VENV = _env(
    "linux",
    "/home/me/qgis-venv/bin/python",
    "/home/me/qgis-venv",
    "/usr",
    ["/home/me/qgis-venv/bin/python3.11", "/usr/bin/python3.11", "/usr/lib/python3.11/EXTERNALLY-MANAGED"],
    (3, 11),
)


@pytest.mark.parametrize(
    ("env", "python", "managed"),
    [
        (OSGEO4W, r"C:\OSGeo4W\apps\Python312\python3.exe", False),
        (STANDALONE, r"C:\Program Files\QGIS 3.40.6\apps\Python312\python.exe", False),
        (MACOS, "/Applications/QGIS-LTR.app/Contents/MacOS/bin/python3", False),
        (DEBIAN, "/usr/bin/python3.11", True),
        (VENV, "/home/me/qgis-venv/bin/python3.11", False),
    ],
    ids=["osgeo4w", "windows-standalone", "macos-bundle", "debian-externally-managed", "venv"],
)
def test_qgis_python_per_platform(env, python, managed):
    assert install.qgis_python(env) == python  # never qgis-bin.exe or the QGIS binary
    assert install.externally_managed(env) is managed


def test_no_python_found_is_an_error(tmp_path):
    lost = _env("win32", r"D:\QGIS\bin\qgis-bin.exe", r"D:\QGIS\bin", r"D:\QGIS\bin", [])
    assert install.qgis_python(lost) is None
    with pytest.raises(install.InstallError, match="cannot find the Python"):
        install.plan(["openpyxl"], lost, tmp_path)


def test_commands_on_debian_build_native_packages_from_source(tmp_path):
    the_plan = install.plan([deps.PACKAGES["geopandas"]], DEBIAN, tmp_path / "t")
    assert the_plan.python == "/usr/bin/python3.11" and the_plan.break_system
    resolve = the_plan.resolve_command("/tmp/c.txt", "/tmp/r.json")
    assert resolve[:4] == ["/usr/bin/python3.11", "-m", "pip", "install"]
    for flag in ("--dry-run", "--ignore-installed", "--break-system-packages"):
        assert flag in resolve
    assert resolve[resolve.index("--report") + 1] == "/tmp/r.json"
    assert resolve[resolve.index("--constraint") + 1] == "/tmp/c.txt"
    assert resolve[-1] == "geopandas>=1"
    command = the_plan.install_command(["geopandas==1.1.1", "shapely==2.1.1", "packaging==25.0"])
    assert command[command.index("--target") + 1] == str(tmp_path / "t")
    assert "--no-deps" in command and "--break-system-packages" in command
    assert command[command.index("--no-binary") + 1] == "shapely"  # only the native ones being installed
    assert command[-3:] == ["geopandas==1.1.1", "shapely==2.1.1", "packaging==25.0"]


@pytest.mark.parametrize(
    ("env", "from_source"),
    [(OSGEO4W, False), (STANDALONE, False), (MACOS, False), (VENV, True)],
    ids=["osgeo4w", "standalone", "macos", "linux-venv"],
)
def test_commands_elsewhere_have_no_system_flag_and_wheels_off_linux(env, from_source, tmp_path):
    the_plan = install.plan(["shapely", "openpyxl"], env, tmp_path)
    assert the_plan.requirements == ("shapely>=2", "openpyxl>=3.1")
    command = the_plan.install_command(["shapely==2.1.1", "et-xmlfile==2.0.0"])
    assert command[0] == install.qgis_python(env)
    assert "--break-system-packages" not in command  # a venv is never externally managed
    assert ("--no-binary" in command) is from_source  # Linux: against the GEOS QGIS links


def test_target_folder_is_in_the_profile_per_python_version(tmp_path):
    assert install.target_dir(tmp_path, (3, 12)) == tmp_path / "python" / "gridgov-packages" / "py312"


def test_constraints_pin_every_installed_distribution():
    text = install.constraints({"numpy": "2.4.0", "shapely": "2.1.1+osgeo", "odd": "1.0-debian-7"})
    assert text.splitlines() == ["numpy==2.4.0", "shapely==2.1.1"]  # local labels dropped, unparsable left out


def test_only_what_qgis_lacks_is_installed():
    report = {
        "install": [
            {"metadata": {"name": "geopandas", "version": "1.1.1"}},
            {"metadata": {"name": "NumPy", "version": "1.26.4"}},
            {"metadata": {"name": "packaging", "version": "25.0"}},
        ]
    }
    resolved = install.parse_report(json.dumps(report))
    assert install.to_install(resolved, {"numpy": "1.26.4"}) == ["geopandas==1.1.1", "packaging==25.0"]


def test_optional_package_found_in_an_error_chain():
    try:
        try:
            raise ModuleNotFoundError("No module named 'sklearn'", name="sklearn")
        except ImportError as err:
            raise ValueError("the learned classifier needs scikit-learn") from err
    except ValueError as outer:
        assert deps.missing_module_in(outer).dist == "scikit-learn"
    assert deps.missing_module_in(ImportError("OR-Tools is not installed: pip install ortools")).module == "ortools"
    assert deps.missing_module_in(ImportError("Missing optional dependency 'openpyxl'.")).module == "openpyxl"
    assert deps.missing_module_in(ValueError("no")) is None


PROBE = "import sys; sys.path.append(sys.argv[1]); import tomli_w; print(tomli_w.__file__)"


def test_a_real_install_from_pypi_into_a_temporary_target(tmp_path):
    """The real commands with this Python: a small pure-Python package (not installed here) goes into
    the target, nothing already installed is installed again, and it imports from there."""
    env = PythonEnvironment.current()
    package = deps.Package("tomli_w", "tomli-w", "tomli-w>=1.0", "test")
    installed = install.installed_distributions()
    assert "tomli-w" not in installed
    the_plan = install.plan([package], env, tmp_path / "target")
    lines = []
    done = install.run(the_plan, env, installed, log=lines.append)
    assert [install.canonical(d.split("==")[0]) for d in done] == ["tomli-w"], lines
    assert any(line.startswith("$ ") and "--dry-run" in line for line in lines)
    probe = subprocess.run(
        [sys.executable, "-c", PROBE, str(tmp_path / "target")],
        capture_output=True,
        text=True,
        check=True,
    )
    assert str(tmp_path / "target") in probe.stdout
    with pytest.raises(install.InstallError, match="nothing to install"):
        install.run(the_plan, env, {**installed, "tomli-w": done[0].split("==")[1]}, log=lines.append)


def test_the_plugins_own_folder_is_not_pinned_as_shipped(tmp_path):
    """Packages the plugin installed earlier may be upgraded: they are not QGIS's (a broken one there
    would otherwise be pinned for good)."""
    import importlib
    import sys

    target = tmp_path / "gridgov-packages" / "py3x"
    info = target / "gridgov_probe_pkg-1.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: gridgov-probe-pkg\nVersion: 1.0\n")
    sys.path.append(str(target))
    importlib.invalidate_caches()
    try:
        assert install.installed_distributions()["gridgov-probe-pkg"] == "1.0"
        assert "gridgov-probe-pkg" not in install.installed_distributions(exclude=target)
    finally:
        sys.path.remove(str(target))


def test_a_cancel_is_noticed_while_pip_is_silent():
    """pip building a wheel prints nothing for minutes: Cancel must not wait for its next line."""
    import sys
    import time

    started = time.monotonic()
    with pytest.raises(install.InstallError, match="cancelled") as raised:
        install._run(
            [sys.executable, "-c", "import time; print('building', flush=True); time.sleep(60)"],
            log=lambda _line: None,
            cancelled=lambda: time.monotonic() - started > 0.5,
            progress=lambda _n: None,
        )
    assert time.monotonic() - started < 10
    assert raised.value.template == install.MESSAGES[1]


def test_install_errors_carry_a_template_to_translate():
    err = install.InstallError(install.MESSAGES[3], 1, "no matching distribution")
    assert str(err) == "pip failed (exit 1):\nno matching distribution"
    assert err.template in install.MESSAGES and err.args_ == ("1", "no matching distribution")


def test_an_old_pip_still_builds_native_packages_from_source():
    """pip < 22.2 installs the requirements as given (``shapely>=2``): the native ones keep --no-binary."""
    the_plan = install.InstallPlan(python="python3", target="/t", requirements=("shapely>=2",), native=("shapely",))
    command = the_plan.install_command(["shapely>=2", "openpyxl"])
    assert command[command.index("--no-binary") + 1] == "shapely"


def _alive(pid: int) -> bool:
    import os

    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie (ended, not yet reaped by its parent) counts as ended
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return True


@pytest.mark.skipif(sys.platform == "win32", reason="the POSIX branch; Windows ends the tree with taskkill /T")
def test_a_cancel_ends_what_pip_started_too(tmp_path):
    """pip builds a wheel in a child process: killing pip alone left the build running (and holding
    files in the target folder)."""
    import time

    pid_file = tmp_path / "child.pid"
    script = (
        "import subprocess, sys, time\n"
        f"child = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)'])\n"
        f"open({str(pid_file)!r}, 'w').write(str(child.pid))\n"
        "print('building', flush=True)\n"
        "time.sleep(60)\n"
    )
    with pytest.raises(install.InstallError, match="cancelled"):
        install._run(
            [sys.executable, "-c", script],
            log=lambda _line: None,
            cancelled=lambda: pid_file.exists() and pid_file.read_text() != "",
            progress=lambda _n: None,
        )
    child = int(pid_file.read_text())
    deadline = time.monotonic() + 5
    while _alive(child) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(child)


def test_a_cancel_after_pip_has_finished_keeps_its_result():
    """Cancel pressed just as pip succeeds: the packages are installed, so the run is not 'cancelled'."""
    import time

    seen = []

    def cancelled() -> bool:  # pressed once pip has printed its last line, by when it has ended
        if seen:
            time.sleep(1.0)
        return bool(seen)

    output = install._run(
        [sys.executable, "-c", "print('Successfully installed x-1.0')"],
        log=seen.append,
        cancelled=cancelled,
        progress=lambda _n: None,
    )
    assert "Successfully installed" in output
