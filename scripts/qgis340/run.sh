#!/usr/bin/env bash
# The whole test suite on QGIS 3.40 LTR, inside a Debian 13 (trixie) root file system (`make test-qgis340`).
#
#   bash scripts/qgis340/run.sh                  tests/unit, tests/qgis, tests/postgis and tests/parity
#   bash scripts/qgis340/run.sh tests/qgis -x    any pytest arguments instead
#   bash scripts/qgis340/run.sh --demo [ORDERS]  the demo's main steps (scripts/demo.py) instead, into
#                                                .build/demo-qgis340 (20,000 orders by default)
#
# Runs as root, non-interactively. What it builds is cached under .build/ and rebuilt only when needed:
#   .build/trixie/                       the root file system (debootstrap --variant=minbase trixie)
#   .build/trixie/opt/gridgov-venv       a venv (--system-site-packages) with only what Debian lacks
#   .build/trixie.stamps/{rootfs,apt,venv}  one stamp per step; apt and venv hold the hash of what they
#                                        installed, so editing the lists below (or requirements/dev.txt)
#                                        reruns that step alone
# The working tree is bind-mounted at /gridgov, so the tests run on the current files. Everything mounted
# is unmounted on exit, on failure and on Ctrl-C too. The exit status is pytest's.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
ROOTFS="$REPO/.build/trixie"
STAMPS="$REPO/.build/trixie.stamps"
SUITE=trixie
VENV=/opt/gridgov-venv
# QGIS 3.40 and the engine's stack from Debian (numpy 2.2, pandas 2.2, shapely 2.1, GDAL 3.10); the PostGIS
# package is found by name below (postgresql-NN-postgis-3, the newest NN trixie has).
APT_PACKAGES=(
  qgis python3-qgis qgis-providers proj-data gdal-bin
  python3-geopandas python3-pyogrio python3-shapely python3-pyproj python3-scipy python3-numba
  python3-openpyxl python3-sklearn python3-psycopg2 python3-statsmodels python3-ahocorasick python3-rapidfuzz python3-pypinyin
  python3-bs4 python3-jinja2 python3-platformdirs python3-requests python3-packaging
  poppler-utils fonts-noto-cjk fontconfig python3-venv python3-pip ca-certificates
)
# From PyPI, only what Debian lacks (specs from requirements/dev.txt and runtime.txt where they are pinned).
# OR-Tools is left unpinned here: numpy 2 takes the newest, which requirements/runtime.txt caps for QGIS 3.22.
PIP_NAMES=(pytest pytest-qgis hypothesis prcoords esda libpysal pymannkendall)
# These must come from Debian, never from PyPI, in the venv: pip gets them as constraints at Debian's versions
# (so it picks the esda / libpysal releases that take them), and the import check below proves it.
DEBIAN_DISTS=(numpy pandas shapely pyproj geopandas pyogrio scipy numba openpyxl scikit-learn psycopg2 statsmodels pyahocorasick rapidfuzz pypinyin)
DEBIAN_MODULES=(numpy pandas shapely pyproj geopandas pyogrio scipy numba openpyxl sklearn osgeo psycopg2 statsmodels ahocorasick rapidfuzz pypinyin)
# What a grid centre's QGIS lacks (OSGeo4W ships neither): the plugin must load and run without them, so the
# root fs must not have them, even when an earlier version of this script installed them.
ABSENT_PACKAGES=(python3-rtree python3-xlsxwriter)
ABSENT_MODULES=(rtree xlsxwriter)

log() { printf '[qgis340] %s\n' "$*"; }
die() { printf '[qgis340] error: %s\n' "$*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "run as root (debootstrap, mount and chroot need it)"

# ---------------------------------------------------------------------------------------------- mounts
MOUNTED=()
mount_once() {  # mount_once TARGET MOUNT-ARGS...: mount and remember, for the trap
  local target="$1"
  shift
  mkdir -p "$target"
  mount "$@" "$target"
  MOUNTED+=("$target")
}

# shellcheck disable=SC2317  # rootfs_pids and cleanup run from the trap
rootfs_pids() {  # the processes running inside the root fs (started by this script: tests, PostgreSQL)
  local link pid
  for link in /proc/[0-9]*/root; do
    pid="${link#/proc/}"
    pid="${pid%/root}"
    [ "$(readlink "$link" 2>/dev/null)" = "$ROOTFS" ] && echo "$pid"
  done
  return 0
}

# shellcheck disable=SC2317
cleanup() {
  local status=$?
  trap - EXIT INT TERM
  local pids
  pids="$(rootfs_pids)"
  if [ -n "$pids" ]; then
    log "stopping what is left inside the root fs: $(echo "$pids" | tr '\n' ' ')"
    # shellcheck disable=SC2086
    kill -TERM $pids 2>/dev/null || true
    sleep 2
    pids="$(rootfs_pids)"
    # shellcheck disable=SC2086
    [ -z "$pids" ] || kill -KILL $pids 2>/dev/null || true
  fi
  local i target
  for ((i = ${#MOUNTED[@]} - 1; i >= 0; i--)); do
    target="${MOUNTED[i]}"
    umount -R "$target" 2>/dev/null || umount -R -l "$target" 2>/dev/null || log "could not unmount $target"
  done
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

assert_nothing_mounted() {  # before a root fs is removed: refuse if anything is still mounted inside it
  if grep -q " ${ROOTFS}[/ ]" /proc/mounts; then
    die "something is still mounted under $ROOTFS (see /proc/mounts): unmount it first"
  fi
}

mount_rootfs() {
  mount_once "$ROOTFS/proc" -t proc proc
  mount_once "$ROOTFS/sys" -t sysfs sysfs
  mount_once "$ROOTFS/dev" --rbind /dev
  mount --make-rslave "$ROOTFS/dev"
  cp -L /etc/resolv.conf "$ROOTFS/etc/resolv.conf"
  if [ -f /etc/ssl/certs/ca-certificates.crt ]; then
    mkdir -p "$ROOTFS/etc/ssl/certs"
    cp -L /etc/ssl/certs/ca-certificates.crt "$ROOTFS/etc/ssl/certs/ca-certificates.crt"
  fi
}

in_root() {  # run a command inside the root fs with a clean environment
  chroot "$ROOTFS" /usr/bin/env -i HOME=/root LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive \
    PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin "$@"
}

# ---------------------------------------------------------------------------------------------- mirror
debian_mirror() {  # the host apt's Debian mirror (not -security), so the root fs comes from the same registry
  local url
  url="$(
    {
      # one-line style: "deb [options] URL suite components"
      cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
        sed -n 's/^[[:space:]]*deb[[:space:]]\+\(\[[^]]*\][[:space:]]\+\)\?\([^[:space:]]\+\).*/\2/p'
      # deb822 style: "URIs: URL"
      cat /etc/apt/sources.list.d/*.sources 2>/dev/null | sed -n 's/^URIs:[[:space:]]*\([^[:space:]]\+\).*/\1/p'
    } | grep -E '/debian/?$' | head -n 1
  )"
  echo "${url:-http://deb.debian.org/debian}"
}

# ---------------------------------------------------------------------------------------------- steps
T0=$SECONDS
mkdir -p "$STAMPS"
apt_hash="$(printf '%s\n' "${APT_PACKAGES[@]}" | sha256sum | cut -c1-16)"
pip_hash="$( (printf '%s\n' "${PIP_NAMES[@]}" ortools; grep -hE '^(pytest|pytest-qgis|hypothesis|prcoords|esda|libpysal|pymannkendall)\b' \
  "$REPO/requirements/dev.txt") | sha256sum | cut -c1-16)"

# 1. debootstrap (on the host), then the root fs (cached)
if [ ! -f "$STAMPS/rootfs" ]; then
  if ! command -v debootstrap >/dev/null; then
    log "installing debootstrap on the host"
    apt-get update -q
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q debootstrap
  fi
  mirror="$(debian_mirror)"
  if [ -e "$ROOTFS" ]; then
    log "removing an unfinished root fs"
    assert_nothing_mounted
    rm -rf --one-file-system "$ROOTFS"
  fi
  rm -f "$STAMPS/apt" "$STAMPS/venv"
  log "debootstrap --variant=minbase $SUITE from $mirror"
  debootstrap --variant=minbase "$SUITE" "$ROOTFS" "$mirror" >"$STAMPS/debootstrap.log" 2>&1 ||
    { tail -n 30 "$STAMPS/debootstrap.log"; die "debootstrap failed (log: $STAMPS/debootstrap.log)"; }
  # No service starts inside the root fs, and PostgreSQL makes no cluster of its own: the tests start theirs.
  printf '#!/bin/sh\nexit 101\n' >"$ROOTFS/usr/sbin/policy-rc.d"
  chmod 755 "$ROOTFS/usr/sbin/policy-rc.d"
  mkdir -p "$ROOTFS/etc/postgresql-common"
  echo "create_main_cluster = false" >"$ROOTFS/etc/postgresql-common/createcluster.conf"
  mkdir -p "$ROOTFS/gridgov"
  touch "$STAMPS/rootfs"
fi
T_ROOTFS=$((SECONDS - T0))

mount_rootfs

# 2. QGIS 3.40 and the Python stack from Debian, then the venv with what Debian lacks (each cached)
T1=$SECONDS
if [ "$(cat "$STAMPS/apt" 2>/dev/null)" != "$apt_hash" ]; then
  log "apt-get install (QGIS 3.40, the Python stack, PostgreSQL + PostGIS) inside the root fs"
  in_root apt-get update -q
  postgis="$(in_root apt-cache pkgnames postgresql- | grep -E '^postgresql-[0-9]+-postgis-3$' | sort -V | tail -n 1)"
  [ -n "$postgis" ] || die "no postgresql-NN-postgis-3 package in $SUITE"
  in_root apt-get install -y -q --no-install-recommends "${APT_PACKAGES[@]}" "$postgis"
  in_root apt-get purge -y -q "${ABSENT_PACKAGES[@]}" || true
  in_root apt-get clean
  # ca-certificates rebuilt the bundle: pip must trust what the host trusts (the registry's proxy, if any)
  cp -L /etc/ssl/certs/ca-certificates.crt "$ROOTFS/etc/ssl/certs/ca-certificates.crt"
  rm -f "$STAMPS/venv"
  echo "$apt_hash" >"$STAMPS/apt"
fi
if [ "$(cat "$STAMPS/venv" 2>/dev/null)" != "$pip_hash" ]; then
  log "venv $VENV (system site packages) with what Debian lacks, from PyPI"
  in_root /usr/bin/python3 -m venv --system-site-packages "$VENV"
  specs=()
  for name in "${PIP_NAMES[@]}"; do
    spec="$(grep -hE "^$name([<>=!~ ;[]|$)" "$REPO/requirements/dev.txt" | head -n 1 || true)"
    specs+=("${spec:-$name}")
  done
  in_root /usr/bin/python3 -c 'import sys
from importlib.metadata import version
print("\n".join(f"{name}=={version(name)}" for name in sys.argv[1:]))' "${DEBIAN_DISTS[@]}" >"$ROOTFS$VENV/debian-constraints.txt"
  in_root "$VENV/bin/python" -m pip install -q --disable-pip-version-check \
    --constraint "$VENV/debian-constraints.txt" "${specs[@]}" ortools
  # numpy & co. must be Debian's (built against the GDAL / GEOS / PROJ QGIS links), never PyPI's
  in_root PROJ_DATA=/usr/share/proj "$VENV/bin/python" -c 'import importlib, sys
wrong = [n for n in sys.argv[1:] if not importlib.import_module(n).__file__.startswith("/usr/lib/python3/")]
sys.exit(f"not Debian'"'"'s: {wrong}" if wrong else 0)' "${DEBIAN_MODULES[@]}"
  echo "$pip_hash" >"$STAMPS/venv"
fi
T_INSTALL=$((SECONDS - T1))

# 3. the tests, on the working tree
mkdir -p "$REPO/.build/pkg"
[ -L "$REPO/.build/pkg/gridgov" ] || ln -s ../.. "$REPO/.build/pkg/gridgov"
mount_once "$ROOTFS/gridgov" --bind "$REPO"
MODE=pytest
if [ "${1:-}" = "--demo" ]; then  # the demo's main steps instead of the tests: run.sh --demo [ORDERS]
  MODE=demo
  DEMO_ORDERS="${2:-20000}"
  set --
elif [ $# -eq 0 ]; then
  # statsforecast (a test oracle of the forecasts) is not installed here: it needs a newer statsmodels than
  # Debian's; tests/unit/forecasting/test_oracles.py checks the same recursions against statsmodels
  set -- tests/unit tests/qgis tests/postgis tests/parity -m "not needs_statsforecast"
fi
in_root "$VENV/bin/python" -c 'import importlib.util, sys
present = [n for n in sys.argv[1:] if importlib.util.find_spec(n) is not None]
sys.exit(f"must be absent for the test (grid centres do not have them): {present}" if present else 0)' \
  "${ABSENT_MODULES[@]}" || die "the root fs has a package the plugin must do without"
T2=$SECONDS
run_in_root() {  # run_in_root COMMAND...: in the working tree inside the root fs, with the venv's Python
  in_root QT_QPA_PLATFORM=offscreen PROJ_DATA=/usr/share/proj PYTHONDONTWRITEBYTECODE=1 \
    NUMBA_CACHE_DIR=/var/cache/numba CI="${CI:-}" VIRTUAL_ENV="$VENV" \
    PATH="$VENV/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
    /bin/sh -c 'cd /gridgov && exec "$@"' run "$@"
}
status=0
if [ "$MODE" = demo ]; then
  # The main job as a grid centre runs it (scripts/demo.py: build the city, place the orders, heatmaps,
  # hot spots, hot areas, patrol plan, the printed atlas) on QGIS 3.40, then the files a person opens.
  out=.build/demo-qgis340
  rm -rf "${REPO:?}/$out"
  log "the demo's main steps with $DEMO_ORDERS orders (QGIS 3.40, Debian 13 root fs; without ${ABSENT_MODULES[*]})"
  run_in_root python scripts/demo.py --out "$out" --orders "$DEMO_ORDERS" || status=$?
  for file in demo_city.gpkg demo_city.qgz orders_placed.gpkg dispatch.xlsx hotspots_noise.gpkg \
    hot_areas_noise.gpkg patrol_schedule.xlsx hotspot_atlas.pdf; do
    [ -s "$REPO/$out/$file" ] || { log "missing: $out/$file"; status=1; }
  done
  [ "$status" = 0 ] && log "demo outputs in $out"
else
  log "python -m pytest $* (QGIS 3.40, Debian 13 root fs; without ${ABSENT_MODULES[*]})"
  run_in_root python -m pytest "$@" || status=$?
fi
T_TEST=$((SECONDS - T2))
log "timings: root fs ${T_ROOTFS}s, install ${T_INSTALL}s, $MODE ${T_TEST}s, total $((SECONDS - T0))s (exit $status)"
exit "$status"
