"""Install missing Python packages from inside QGIS: an *Install* button in the message bar, a dialog
for the optional packages, and the pip runs as a QgsTask whose log goes to the *Grid Governance* tab.

Which Python, which pip commands and which folder: ``grid_ops/runtime/install.py``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from qgis.core import Qgis, QgsApplication, QgsMessageLog, QgsTask
from qgis.gui import QgsMessageBar, QgsMessageBarItem
from qgis.PyQt.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from gridgov.grid_ops.runtime import install
from gridgov.grid_ops.runtime.deps import Package
from gridgov.layers.runtime.qgis_logging import LOG_TAG
from gridgov.layers.runtime.translation import tr


def packages_dir():
    """The profile folder the plugin installs packages into (one per Python version)."""
    return install.target_dir(QgsApplication.qgisSettingsDirPath())


#: Tasks under way: QGIS's task manager owns the C++ side, this keeps the Python side alive.
_ALIVE: set[InstallTask] = set()


def _log(text: str, level=Qgis.MessageLevel.Info) -> None:
    QgsMessageLog.logMessage(text, LOG_TAG, level)


class InstallTask(QgsTask):
    """pip with QGIS's own Python, in the background; ``done(ok, message)`` runs in the main thread."""

    def __init__(self, packages: Sequence[Package], done: Callable[[bool, str], None]) -> None:
        names = ", ".join(p.dist for p in packages)
        super().__init__(tr("Installing {0}").format(names), QgsTask.Flag.CanCancel)
        self.packages = list(packages)
        self.done = done
        self.message = ""
        self.installed: list[str] = []

    def run(self) -> bool:
        env = install.PythonEnvironment.current()
        try:
            the_plan = install.plan(self.packages, env, packages_dir())
            self.installed = install.run(
                the_plan,
                env,
                install.installed_distributions(exclude=packages_dir()),
                log=_log,
                progress=self.setProgress,
                cancelled=self.isCanceled,
            )
        except install.InstallError as err:
            self.message = tr(err.template).format(*err.args_)
            return False
        except Exception as err:  # a task must never take QGIS down
            self.message = f"{type(err).__name__}: {err}"
            return False
        self.message = ", ".join(self.installed)
        return True

    def finished(self, ok: bool) -> None:
        _ALIVE.discard(self)
        if ok:
            install.activate(packages_dir())  # in the main thread too: sys.path and the import caches
        else:
            _log(tr("Installing failed: {0}").format(self.message), Qgis.MessageLevel.Warning)
        self.done(ok, self.message)


def start_install(packages: Sequence[Package], done: Callable[[bool, str], None]) -> InstallTask:
    """Queue the install of ``packages``; the task is kept alive by QGIS's task manager."""
    task = InstallTask(packages, done)
    _log(tr("Installing {0} into {1}").format(", ".join(p.dist for p in packages), str(packages_dir())))
    _ALIVE.add(task)
    QgsApplication.taskManager().addTask(task)
    return task


def offer_install(
    bar: QgsMessageBar,
    title: str,
    text: str,
    packages: Sequence[Package],
    done: Callable[[bool, str], None],
    level=Qgis.MessageLevel.Warning,
) -> QgsMessageBarItem:
    """A message with an *Install* button that installs ``packages``; a progress bar shows the run."""
    item = bar.createMessage(title, text)
    item.setObjectName("gridgov_install_message")
    button = QPushButton(tr("Install"), item)
    button.setObjectName("gridgov_install_button")
    progress = QProgressBar(item)
    progress.setObjectName("gridgov_install_progress")
    progress.setRange(0, 100)
    progress.setMaximumWidth(160)
    progress.setVisible(False)
    item.layout().addWidget(progress)
    item.layout().addWidget(button)

    def clicked() -> None:
        button.setEnabled(False)
        button.setText(tr("Installing…"))
        progress.setVisible(True)
        task = start_install(packages, finished)
        task.progressChanged.connect(lambda value: progress.setValue(int(value)))

    def finished(ok: bool, message: str) -> None:
        try:
            progress.setVisible(False)
            button.setText(tr("Install"))
            button.setEnabled(not ok)
        except RuntimeError:  # the message was closed meanwhile
            pass
        done(ok, message)

    button.clicked.connect(clicked)
    bar.pushWidget(item, level, 0)
    return item


class PackagesDialog(QDialog):
    """Choose which missing packages to install, each with what it is for."""

    def __init__(self, packages: Sequence[Package], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("gridgov_packages_dialog")
        self.setWindowTitle(tr("Install Python packages"))
        layout = QVBoxLayout(self)
        self.boxes: list[tuple[QCheckBox, Package]] = []
        if packages:
            layout.addWidget(QLabel(tr("These packages are missing from QGIS's Python:"), self))
        else:
            layout.addWidget(QLabel(tr("Every package the plugin can use is installed."), self))
        for package in packages:
            box = QCheckBox(f"{package.dist}: {tr(package.purpose)}", self)
            box.setObjectName(f"gridgov_package_{package.module}")
            box.setChecked(True)
            layout.addWidget(box)
            self.boxes.append((box, package))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.install_button = buttons.addButton(tr("Install"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.install_button.setEnabled(bool(packages))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def chosen(self) -> list[Package]:
        return [package for box, package in self.boxes if box.isChecked()]
