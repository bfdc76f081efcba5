# Grid Governance (gridgov) QGIS plugin: one entry point for set-up, demo, tests and packaging.
#
#   make demo   set up (Debian packages, .venv, PyPI packages), build the demo city, render out/
#   make test   set up, then the whole test suite headless (PostGIS tests start their own server)
#
# Set-up steps are idempotent: they only install what is missing.

SHELL := /bin/bash
.DEFAULT_GOAL := help

PLUGIN      := gridgov
VENV        := .venv
# the engine alone on the newest PyPI releases; qgis-plugin-ci (make package), whose PyPI PyQt5 must not shadow QGIS's
LATEST_VENV := .venv-latest
QT6_VENV    := .venv-qt6
RELEASE_VENV := .venv-release
PY          := $(VENV)/bin/python
BUILD       := .build
PKG_DIR     := $(BUILD)/pkg
OUT         := out
ORDERS      ?= 100000
SEED        ?= 20251
APT_PACKAGES := qgis python3-qgis qgis-providers xvfb fonts-noto-cjk poppler-utils python3-venv python3-pip \
                libgeos-dev libproj-dev libgdal-dev \
                postgresql-15-postgis-3 python3-psycopg2 gdal-bin
QGIS_PROFILE_PATH := $(CURDIR)/$(BUILD)/qgis-profiles
QGIS_USER_PLUGINS ?= $(HOME)/.local/share/QGIS/QGIS3/profiles/default/python/plugins

# Headless Qt for everything that runs here; Debian's qgis_process wrapper must not get --noversioncheck.
export QT_QPA_PLATFORM ?= offscreen
export PYTHONDONTWRITEBYTECODE := 1

SUDO := $(shell [ "$$(id -u)" = "0" ] || echo sudo)

.PHONY: help setup system venv system-libs pkglink demo test unit postgis lint format bench qgis install package clean transup transcompile screenshots test-qt6 \
        test-engine-latest test-qgis340

help:  ## list the targets
	@grep -E '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | expand -t 20

system:  ## install the Debian packages that are missing (QGIS, Xvfb, CJK fonts, poppler)
	@missing=""; for p in $(APT_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  $(SUDO) apt-get update -q && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q $$missing; \
	else echo "Debian packages present."; fi

# The engine's native packages are built against Debian's GEOS, PROJ, GDAL and libspatialindex, the
# copies QGIS links: the wheels' bundled copies crash inside QGIS binaries (qgis, qgis_process), whose
# global symbols shadow them (segfault in GEOS, double free at exit in PROJ / GDAL).
# See scripts/check_system_libs.py. pyproj 3.6 (the last for Debian's PROJ 9.1) only builds right with
# Cython < 3.1 (requirements/pyproj-build.txt), while shapely 2.2 needs Cython >= 3.1: pyproj goes first,
# alone, with that constraint.
NATIVE_FROM_SOURCE := shapely,pyproj,pyogrio
PIP := $(PY) -m pip install -q --disable-pip-version-check
PIP_PYPROJ := PIP_CONSTRAINT=$(CURDIR)/requirements/pyproj-build.txt $(PIP) --no-binary pyproj
PYPROJ_SPEC = "$$(grep -h '^pyproj' requirements/runtime.txt)"

$(VENV)/.stamp: requirements/runtime.txt requirements/dev.txt requirements/pyproj-build.txt
	@[ -x $(PY) ] || /usr/bin/python3 -m venv --system-site-packages $(VENV)
	$(PIP_PYPROJ) $(PYPROJ_SPEC)
	$(PIP) --no-binary $(NATIVE_FROM_SOURCE) -r requirements/dev.txt
	@$(MAKE) --no-print-directory system-libs
	@$(PY) -c "import qgis.core, numpy, pandas, shapely, geopandas, pyproj, scipy, pyogrio; assert numpy.__version__ < '2'" \
	  || { echo "The virtual environment cannot import QGIS beside the engine packages"; exit 1; }
	@touch $@

system-libs:  # rebuild any native package that does not link the system library QGIS uses
	@bad=$$($(PY) scripts/check_system_libs.py --names); \
	if [ -n "$$bad" ]; then \
	  echo "Rebuilding against the system libraries: $$bad"; \
	  for n in $$bad; do \
	    spec="$$(grep -h -i "^$$n" requirements/runtime.txt)"; \
	    if [ "$$n" = pyproj ]; then $(PIP_PYPROJ) --force-reinstall --no-deps "$$spec"; \
	    else $(PIP) --force-reinstall --no-deps --no-binary $$n "$$spec"; fi; \
	  done; \
	fi
	@$(PY) scripts/check_system_libs.py

venv: system $(VENV)/.stamp  ## the .venv (system site packages, so QGIS imports) with the PyPI packages

# The repository root is the plugin folder; Python imports it as the package `gridgov`.
pkglink:
	@mkdir -p $(PKG_DIR)
	@[ -L $(PKG_DIR)/$(PLUGIN) ] || ln -s ../.. $(PKG_DIR)/$(PLUGIN)

setup: venv pkglink  ## everything the other targets need

demo: setup  ## build the demo city, run the whole job on it, end with out/hotspot_atlas.pdf
	$(PY) scripts/demo.py --out $(OUT) --orders $(ORDERS) --seed $(SEED)
	@echo "Open: $(OUT)/demo_city.qgz (QGIS)  $(OUT)/overview.png  $(OUT)/dispatch.xlsx  $(OUT)/hotspot_atlas.pdf"

# Issue 25, item 6: the demo of revision BASE (a clone under .build, with its own pkg link) and of the working
# tree, same orders and seed, compared cell by cell; COMPARE_IGNORE: columns added on purpose since BASE.
COMPARE_IGNORE ?= overlap
.PHONY: demo-compare
demo-compare: setup  ## make demo's outputs at BASE (a git revision) against the working tree's, cell by cell
	@[ -n "$(BASE)" ] || { echo "Usage: make demo-compare BASE=<git revision>"; exit 2; }
	rm -rf $(BUILD)/demo-base-src $(BUILD)/demo-base $(BUILD)/demo-head
	git clone -q $(CURDIR) $(BUILD)/demo-base-src
	git -C $(BUILD)/demo-base-src checkout -q $(BASE)
	mkdir -p $(BUILD)/demo-base-src/$(PKG_DIR) && ln -s ../.. $(BUILD)/demo-base-src/$(PKG_DIR)/$(PLUGIN)
	$(PY) $(BUILD)/demo-base-src/scripts/demo.py --out $(BUILD)/demo-base --orders $(ORDERS) --seed $(SEED)
	$(PY) scripts/demo.py --out $(BUILD)/demo-head --orders $(ORDERS) --seed $(SEED)
	$(PY) scripts/compare_outputs.py $(BUILD)/demo-base $(BUILD)/demo-head $(addprefix --ignore-column ,$(COMPARE_IGNORE))

test: setup $(RELEASE_VENV)/.stamp  ## the whole test suite, headless (and the packaged zip against plugins.qgis.org's rules)
	$(PY) -m pytest tests/unit tests/qgis tests/postgis tests/parity tests/release

# The engine alone on the newest PyPI releases, the set OSGeo4W's QGIS ships on Windows (numpy 2, pandas 3,
# no numba, rtree, xlsxwriter or OR-Tools): its own virtual environment without QGIS.
$(LATEST_VENV)/.stamp: requirements/engine-latest.txt
	@[ -x $(LATEST_VENV)/bin/python ] || /usr/bin/python3 -m venv $(LATEST_VENV)
	$(LATEST_VENV)/bin/python -m pip install -q --disable-pip-version-check -r requirements/engine-latest.txt
	@touch $@

test-engine-latest: system pkglink $(LATEST_VENV)/.stamp  ## engine tests on the newest PyPI stack (numpy 2, pandas 3, no numba)
	$(LATEST_VENV)/bin/python -m pytest tests/unit -m "not needs_numba and not needs_ortools and not needs_statsforecast"

# Qt 6 as QGIS 4 ships it: every Qt name and enum the plugin reads, checked against PyQt6 from PyPI in its own
# environment (QGIS 4 itself is in no registry these machines reach).
$(QT6_VENV)/.stamp: requirements/qt6.txt
	@[ -x $(QT6_VENV)/bin/python ] || /usr/bin/python3 -m venv $(QT6_VENV)
	$(QT6_VENV)/bin/python -m pip install -q --disable-pip-version-check -r requirements/qt6.txt
	@touch $@

test-qt6: pkglink $(QT6_VENV)/.stamp  ## the plugin's Qt names and enums against Qt 6 (PyQt6), as QGIS 4 needs them
	QT_QPA_PLATFORM=offscreen $(QT6_VENV)/bin/python -m pytest tests/qt6

# QGIS 3.40 LTR: a Debian 13 (trixie) root file system with Debian's QGIS, numpy 2 and PostGIS 17 (cached in
# .build/trixie), the whole test suite run inside it, then the demo's main steps (20,000 orders) there, without
# rtree or xlsxwriter, as grid centres run it.
test-qgis340: system pkglink  ## the whole test suite and the demo's main steps on QGIS 3.40 LTR (Debian 13 root fs, cached)
	bash scripts/qgis340/run.sh
	bash scripts/qgis340/run.sh --demo 20000

postgis: setup  ## the PostGIS tests alone (tests/postgis): each run starts its own PostgreSQL + PostGIS on loopback
	$(PY) -m pytest tests/postgis

unit: setup  ## engine tests only (no QGIS)
	$(PY) -m pytest tests/unit

lint: setup  ## ruff
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: setup
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

bench: setup  ## benchmarks: plugin against its peers, side by side (not part of make test)
	$(PY) -m pytest tests/benchmarks -s -q

SHOTS ?= $(OUT)/screenshots
screenshots: setup  ## the dock in a real QGIS set to Chinese, one PNG per tab (Xvfb; runs make demo first if needed)
	@[ -f $(OUT)/demo_city.qgz ] || $(MAKE) --no-print-directory demo
	@rm -rf $(BUILD)/qgis-zh && mkdir -p $(BUILD)/qgis-zh/profiles/default/QGIS $(SHOTS)
	@printf '[PythonPlugins]\n$(PLUGIN)=true\n\n[locale]\noverrideFlag=true\nuserLocale=zh-Hans\nglobalLocale=zh-Hans\n\n[qgis]\ncheckVersion=false\n' \
	  > $(BUILD)/qgis-zh/profiles/default/QGIS/QGIS3.ini
	GRIDGOV_SHOTS=$(CURDIR)/$(SHOTS) PYTHONPATH=$$($(PY) -c 'import site; print(site.getsitepackages()[0])') \
	QGIS_PLUGINPATH=$(CURDIR)/$(PKG_DIR) QT_QPA_PLATFORM= timeout 300 xvfb-run -a -s "-screen 0 1600x1000x24" \
	  qgis --noversioncheck --profiles-path $(CURDIR)/$(BUILD)/qgis-zh --project $(CURDIR)/$(OUT)/demo_city.qgz \
	  --code $(CURDIR)/scripts/screenshots.py
	@ls $(SHOTS)/*.png

transup:  ## refresh resources/i18n/gridgov_zh_CN.ts from the code (new strings marked unfinished)
	python3 scripts/i18n.py update

transcompile:  ## compile the .ts into the .qm QGIS loads (installs lrelease, qttools5-dev-tools, if missing)
	@command -v lrelease >/dev/null || { $(SUDO) apt-get update -q && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q qttools5-dev-tools; }
	python3 scripts/i18n.py compile

qgis: demo  ## open QGIS desktop with the plugin enabled and the demo project loaded
	@mkdir -p $(QGIS_PROFILE_PATH)/profiles/default/QGIS
	@printf '[PythonPlugins]\n$(PLUGIN)=true\n' > $(QGIS_PROFILE_PATH)/profiles/default/QGIS/QGIS3.ini
	PYTHONPATH=$$($(PY) -c 'import site; print(site.getsitepackages()[0])') \
	QGIS_PLUGINPATH=$(CURDIR)/$(PKG_DIR) QT_QPA_PLATFORM= qgis --noversioncheck \
	  --profiles-path $(QGIS_PROFILE_PATH) --project $(CURDIR)/$(OUT)/demo_city.qgz

install: pkglink  ## link the plugin into the user's default QGIS profile
	@mkdir -p $(QGIS_USER_PLUGINS)
	ln -sfn $(CURDIR) $(QGIS_USER_PLUGINS)/$(PLUGIN)
	@echo "Linked $(QGIS_USER_PLUGINS)/$(PLUGIN) -> $(CURDIR); enable it in Plugins > Manage and Install Plugins."

# qgis-plugin-ci pulls PyQt5 from PyPI, which must never shadow QGIS's own: it gets a venv of its own.
$(RELEASE_VENV)/.stamp: requirements/release.txt
	@[ -x $(RELEASE_VENV)/bin/python ] || /usr/bin/python3 -m venv $(RELEASE_VENV)
	$(RELEASE_VENV)/bin/python -m pip install -q --disable-pip-version-check -r requirements/release.txt
	@touch $@

package: system $(RELEASE_VENV)/.stamp  ## dist/gridgov.zip for plugins.qgis.org, by qgis-plugin-ci from HEAD (no tests, dev files)
	QPC=$(CURDIR)/$(RELEASE_VENV)/bin/qgis-plugin-ci bash scripts/package.sh

clean:
	rm -rf $(BUILD) $(OUT) dist .pytest_cache .ruff_cache
