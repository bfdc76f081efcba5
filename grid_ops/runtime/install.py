"""Installing a missing package from inside QGIS: which Python, which pip commands, which folder.

Pure logic plus the pip runs themselves; no QGIS import (``ui/installer.py`` wraps it in a QgsTask).

* **Which Python.** Inside QGIS ``sys.executable`` is often QGIS itself (``qgis-bin.exe`` on Windows,
  the ``QGIS`` binary in the macOS bundle), never to be started with ``-m pip``. The Python QGIS
  embeds is found from the installation's layout: Windows ``python3.exe`` / ``python.exe`` under
  ``sys.base_prefix`` (OSGeo4W and the standalone installer: ``<root>/apps/Python3x``); macOS the
  bundle's ``Contents/MacOS/bin/python3``; Linux ``/usr/bin/python3.x`` when QGIS runs the system
  Python; a virtual environment's own ``bin/python3``. It must be the same ``major.minor``: the
  run checks it before installing.
* **Where.** ``pip --target`` into a folder of the QGIS user profile
  (``<profile>/python/gridgov-packages/py3x``), which the plugin appends to ``sys.path`` when it
  loads (after QGIS's own site-packages, so it can add packages but never shadow one).
* **Never replacing what QGIS ships.** Two pip runs. First a resolve (``--dry-run --report
  --ignore-installed``) with a constraint ``name==version`` for every distribution QGIS's Python
  already has, so the resolver picks versions that fit numpy, pandas ... as shipped. Then only the
  resolved distributions that QGIS's Python does not have are installed, pinned, with
  ``--no-deps``. A package QGIS has but that is too old or broken is reported, not replaced.
* **Linux.** Packages linking GEOS, PROJ or GDAL are built from source against the system libraries
  QGIS links (``--no-binary``), as ``make venv`` does; ``--break-system-packages`` where the system
  Python is marked EXTERNALLY-MANAGED (pip's check, although ``--target`` does not touch it).
"""

from __future__ import annotations

import contextlib
import json
import os
import queue
import re
import signal
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePath, PurePosixPath, PureWindowsPath

from gridgov.grid_ops.runtime.deps import PACKAGES, Package, tr_noop

#: The folder under the QGIS profile's ``python`` folder.
FOLDER = "gridgov-packages"
#: Which Python and pip a candidate interpreter is.
PROBE = "import sys, pip; print('python %d.%d' % sys.version_info[:2], 'pip', pip.__version__)"
#: pip learned ``--report`` (the resolve step) in 22.2; older pips install the named packages only.
REPORT_PIP = (22, 2)


class InstallError(Exception):
    """An install that cannot go on; the message is for the user.

    ``template`` is the English text with ``{0}``-style places and ``args`` what goes in them: the
    dialog translates the template (the engine has no Qt), ``str()`` gives the English message."""

    def __init__(self, template: str, *args) -> None:
        self.template, self.args_ = template, tuple(str(a) for a in args)
        super().__init__(template.format(*self.args_))


#: The templates of InstallError, for the translation tools (the dialog passes them through ``tr``).
MESSAGES = (
    tr_noop("cannot find the Python of this QGIS (looked beside {0})"),
    tr_noop("the install was cancelled"),
    tr_noop("{0} has no pip; install pip for QGIS's Python first"),
    tr_noop("pip failed (exit {0}):\n{1}"),
    tr_noop("{0} is not Python {1}, the one QGIS runs ({2})"),
    tr_noop(
        "nothing to install: QGIS's Python already has every package the request needs; "
        "a package that is present but too old or broken is not replaced (update QGIS)"
    ),
)


@dataclass(frozen=True)
class PythonEnvironment:
    """What the installer needs to know of the Python QGIS runs (tests describe other platforms)."""

    platform: str  # sys.platform: win32, darwin, linux
    executable: str
    prefix: str
    base_prefix: str
    version: tuple[int, int]
    files: frozenset[str] | None = field(default=None, compare=False)  # faked file system (tests); None = real

    @classmethod
    def current(cls) -> PythonEnvironment:
        return cls(sys.platform, sys.executable or "", sys.prefix, sys.base_prefix, sys.version_info[:2])

    @property
    def windows(self) -> bool:
        return self.platform.startswith("win")

    @property
    def in_venv(self) -> bool:
        return self.prefix != self.base_prefix

    def path(self, *parts: str) -> PurePath:
        return (PureWindowsPath if self.windows else PurePosixPath)(*parts)

    def exists(self, path: PurePath) -> bool:
        if self.files is None:
            return Path(str(path)).exists()
        norm = str(path).lower() if self.windows else str(path)
        return any((f.lower() if self.windows else f) == norm for f in self.files)


def _python_candidates(env: PythonEnvironment) -> list[PurePath]:
    major, minor = env.version
    dotted, bare = f"python{major}.{minor}", f"python{major}"
    exe = env.path(env.executable) if env.executable else None
    own = [exe] if exe is not None and exe.name.lower().startswith("python") else []
    if env.windows:
        venv = [env.path(env.prefix, "Scripts", "python.exe")] if env.in_venv else []
        base = [env.path(env.base_prefix, name) for name in ("python3.exe", "python.exe")]
        # OSGeo4W / standalone: <root>/bin/qgis-bin.exe beside <root>/apps/Python3x/python.exe
        apps = exe.parent.parent / "apps" / f"Python{major}{minor}" if exe is not None else None
        root = [apps / name for name in ("python3.exe", "python.exe")] if apps is not None else []
        return venv + base + own + root
    if env.platform == "darwin":
        venv = [env.path(env.prefix, "bin", name) for name in (dotted, bare)] if env.in_venv else []
        bundles = []
        for start in filter(None, (env.executable, env.prefix)):
            for folder in (env.path(start), *env.path(start).parents):
                if folder.name.endswith(".app"):
                    bundles += [folder / "Contents" / "MacOS" / "bin" / name for name in (dotted, bare)]
                    break
        prefix = [env.path(root, "bin", name) for root in (env.prefix, env.base_prefix) for name in (dotted, bare)]
        return venv + bundles + prefix + own
    venv = [env.path(env.prefix, "bin", name) for name in (dotted, bare)] if env.in_venv else []
    system = [env.path("/usr/bin", name) for name in (dotted, bare)] if env.base_prefix == "/usr" else []
    prefix = [env.path(root, "bin", name) for root in (env.prefix, env.base_prefix) for name in (dotted, bare)]
    return venv + system + own + prefix


def qgis_python(env: PythonEnvironment) -> str | None:
    """The Python interpreter of the installation QGIS runs in, or None when none is found."""
    for candidate in _python_candidates(env):
        if env.exists(candidate):
            return str(candidate)
    return None


def externally_managed(env: PythonEnvironment) -> bool:
    """Whether pip refuses this Python's environment without ``--break-system-packages`` (PEP 668)."""
    if env.in_venv:
        return False
    major, minor = env.version
    stdlib = (
        env.path(env.base_prefix, "Lib") if env.windows else env.path(env.base_prefix, "lib", f"python{major}.{minor}")
    )
    return env.exists(stdlib / "EXTERNALLY-MANAGED")


def target_dir(settings_dir: str | os.PathLike, version: tuple[int, int] | None = None) -> Path:
    """The profile folder the packages go to (one per Python version: compiled parts fit one version)."""
    major, minor = version or sys.version_info[:2]
    return Path(settings_dir) / "python" / FOLDER / f"py{major}{minor}"


def activate(target: str | os.PathLike) -> bool:
    """Put ``target`` on ``sys.path`` (after everything QGIS has) when it exists; forget stale look-ups."""
    import importlib
    import site

    path = str(target)
    if not os.path.isdir(path):
        return False
    sys.path_importer_cache.pop(path, None)
    if path not in sys.path:
        site.addsitedir(path)  # appends, and reads any .pth file there
    importlib.invalidate_caches()
    return True


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def requirement_name(requirement: str) -> str:
    """The canonical distribution name of a requirement (``Shapely>=2.0`` → ``shapely``)."""
    return canonical(re.split(r"[<>=!~ ;\[]", requirement.strip())[0])


def installed_distributions(exclude: str | os.PathLike | None = None) -> dict[str, str]:
    """canonical name → version of every distribution this Python sees (QGIS's, the user's), except
    those under ``exclude``: the plugin's own folder, whose packages an install may upgrade (they are
    not QGIS's, and pinning them would leave a broken one there for good)."""
    import importlib.metadata

    skip = Path(exclude).resolve() if exclude is not None else None
    found: dict[str, str] = {}
    for dist in importlib.metadata.distributions():
        with contextlib.suppress(Exception):  # a broken metadata folder is skipped
            if skip is not None and Path(str(dist.locate_file(""))).resolve() == skip:
                continue
            name, version = dist.metadata["Name"], dist.version
            if name and version:
                found.setdefault(canonical(name), version)
    return found


def constraints(installed: dict[str, str]) -> str:
    """A pip constraints file pinning every installed distribution to its version (local labels dropped)."""
    lines = []
    for name, version in sorted(installed.items()):
        public = version.split("+")[0]
        if re.fullmatch(r"\d+(\.\d+)*((a|b|rc)\d+)?(\.post\d+)?(\.dev\d+)?", public):
            lines.append(f"{name}=={public}")
    return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class InstallPlan:
    """The pip runs that install ``requirements`` into ``target`` with QGIS's Python."""

    python: str
    target: str
    requirements: tuple[str, ...]
    native: tuple[str, ...] = ()  # distributions built from source (Linux)
    break_system: bool = False

    def _pip(self) -> list[str]:
        command = [self.python, "-m", "pip", "install", "--disable-pip-version-check", "--no-input"]
        return command + (["--break-system-packages"] if self.break_system else [])

    def resolve_command(self, constraints_file: str, report_file: str) -> list[str]:
        """Which distributions, at which versions, the requirements need beside what is installed."""
        return [
            *self._pip(),
            "--dry-run",
            "--ignore-installed",
            "--report",
            report_file,
            "--constraint",
            constraints_file,
            *self.requirements,
        ]

    def install_command(self, pins: Iterable[str]) -> list[str]:
        """Install exactly ``pins`` (name==version) into the target, nothing else."""
        pins = list(pins)
        command = [*self._pip(), "--no-deps", "--upgrade", "--target", self.target]
        # pins are name==version, or requirements such as "shapely>=2" from a pip older than 22.2
        native = sorted({requirement_name(p) for p in pins} & {canonical(n) for n in self.native})
        if native:
            command += ["--no-binary", ",".join(native)]
        return [*command, "--prefer-binary", *pins]


def plan(packages: Iterable[Package | str], env: PythonEnvironment, target: str | os.PathLike) -> InstallPlan:
    """The plan for ``packages`` (declared packages, or their module names) in ``env``."""
    packages = [PACKAGES[p] if isinstance(p, str) else p for p in packages]
    python = qgis_python(env)
    if python is None:
        raise InstallError(MESSAGES[0], env.executable or env.prefix)
    # every native package, requested or pulled in (geopandas → shapely, pyproj, pyogrio): only pins count
    native = tuple(sorted(p.dist for p in PACKAGES.values() if p.native)) if env.platform.startswith("linux") else ()
    return InstallPlan(
        python=python,
        target=str(target),
        requirements=tuple(p.requirement for p in packages),
        native=native,
        break_system=externally_managed(env),
    )


def parse_report(text: str) -> list[tuple[str, str]]:
    """(name, version) of each distribution in a pip ``--report``."""
    report = json.loads(text)
    return [(item["metadata"]["name"], item["metadata"]["version"]) for item in report.get("install", [])]


def to_install(resolved: Iterable[tuple[str, str]], installed: dict[str, str]) -> list[str]:
    """``name==version`` of the resolved distributions QGIS's Python does not have."""
    return [f"{name}=={version}" for name, version in resolved if canonical(name) not in installed]


def _pip_version(text: str) -> tuple[int, ...]:
    match = re.search(r"pip (\d+)\.(\d+)", text)
    return (int(match.group(1)), int(match.group(2))) if match else ()


Log = Callable[[str], None]


def _run(command: list[str], log: Log, cancelled: Callable[[], bool], progress: Callable[[float], None]) -> str:
    """Run ``command``, each output line to ``log``; returns the output; raises on failure or cancel."""
    log("$ " + subprocess.list2cmdline(command))
    env = dict(os.environ)
    env.update({"PYTHONIOENCODING": "utf-8", "PIP_NO_INPUT": "1", "PIP_REQUIRE_VIRTUALENV": "0"})
    flags = getattr(subprocess, "CREATE_NO_WINDOW", 0)  # no console window on Windows
    process = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        text=True,
        encoding="utf-8",
        errors="replace",
        env=env,
        creationflags=flags,
        start_new_session=os.name != "nt",  # its own process group: a cancel ends pip's builds too
    )
    # pip can stay silent for minutes (building a wheel): its output is read in a thread, so a
    # cancel is noticed within a fraction of a second, not at pip's next line
    lines_in: queue.Queue = queue.Queue()

    def read() -> None:
        assert process.stdout is not None
        for text in process.stdout:
            lines_in.put(text)
        lines_in.put(None)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    lines = []
    while True:
        try:
            line = lines_in.get(timeout=0.2)
        except queue.Empty:
            line = ""
        if cancelled() and process.poll() is None:  # a cancel after pip has finished changes nothing
            _kill_tree(process)
            raise InstallError(MESSAGES[1])
        if line is None:
            break
        line = line.rstrip()
        if line:
            lines.append(line)
            log(line)
            progress(len(lines))
    reader.join()
    code = process.wait()
    output = "\n".join(lines)
    if code != 0:
        if "No module named pip" in output:
            raise InstallError(MESSAGES[2], command[0])
        tail = "\n".join(lines[-8:])
        raise InstallError(MESSAGES[3], code, tail)
    return output


def _kill_tree(process: subprocess.Popen) -> None:
    """End ``process`` and every process it started: pip builds a wheel in a child process (a
    compiler in a grandchild), which killing pip alone would leave running and holding files in the
    target folder. Windows: ``taskkill /T`` ends the tree; elsewhere the process group pip leads."""
    try:
        if os.name == "nt":
            subprocess.run(
                ["taskkill", "/PID", str(process.pid), "/T", "/F"],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                creationflags=getattr(subprocess, "CREATE_NO_WINDOW", 0),
                check=False,
                timeout=30,
            )
        else:
            os.killpg(process.pid, signal.SIGKILL)
    except (OSError, subprocess.SubprocessError):
        pass  # the tree has ended already, or taskkill is missing: pip itself is still ended below
    if process.poll() is None:
        process.kill()
    process.wait()


def run(
    the_plan: InstallPlan,
    env: PythonEnvironment,
    installed: dict[str, str],
    log: Log = print,
    progress: Callable[[float], None] = lambda _p: None,
    cancelled: Callable[[], bool] = lambda: False,
) -> list[str]:
    """Carry out ``the_plan``: check the Python, resolve, install; returns what was installed.

    The caller then puts the target on ``sys.path`` (``activate``), in the thread that imports."""
    progress(2)
    probe = _run([the_plan.python, "-c", PROBE], log, cancelled, lambda _n: None)
    major, minor = env.version
    if f"python {major}.{minor}" not in probe:
        raise InstallError(MESSAGES[4], the_plan.python, f"{major}.{minor}", probe.strip())
    Path(the_plan.target).mkdir(parents=True, exist_ok=True)
    progress(5)
    if _pip_version(probe) >= REPORT_PIP:
        with tempfile.TemporaryDirectory(prefix="gridgov-pip-") as tmp:
            pins_file, report_file = Path(tmp, "constraints.txt"), Path(tmp, "report.json")
            pins_file.write_text(constraints(installed), encoding="utf-8")
            _run(
                the_plan.resolve_command(str(pins_file), str(report_file)),
                log,
                cancelled,
                lambda n: progress(min(40.0, 5 + n)),
            )
            resolved = parse_report(report_file.read_text(encoding="utf-8"))
        wanted = to_install(resolved, installed)
        kept = sorted({canonical(n) for n, _v in resolved} - {canonical(w.split("==")[0]) for w in wanted})
        if kept:
            log("kept as installed: " + ", ".join(kept))
    else:
        log("this pip cannot resolve without installing (older than 22.2): installing the named packages only")
        wanted = [r for r in the_plan.requirements if requirement_name(r) not in installed]
    if not wanted:
        raise InstallError(MESSAGES[5])
    progress(40)
    _run(the_plan.install_command(wanted), log, cancelled, lambda n: progress(min(95.0, 40 + n)))
    progress(100)
    return wanted
