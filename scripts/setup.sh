#!/usr/bin/env bash
# Idempotent setup for `make demo`, `make test` and CI on Debian 12 (bookworm, QGIS 3.22) and Debian 13
# (trixie, QGIS 3.40) or later (sid), picked from /etc/debian_version.
#
# 1. apt: QGIS and what the release needs (scripts/apt-packages.txt; only when something is missing).
# 2. a venv that sees Debian's python3-qgis, pyproj, numpy, scipy and osgeo (--system-site-packages),
#    with our pip requirements; reinstalled only when a requirements file, the release or Python changes.
#    Debian's builds of the packages QGIS shares a process with are pinned (constraints generated from
#    what Debian installed): on bookworm numpy/scipy/pyproj (shapely and pyogrio are built from source
#    against Debian's GEOS/GDAL); from trixie on also geopandas/shapely/pyogrio/rasterio/pandas/numba.
# 3. the GDAL oracle: a small separate venv with pyogrio's wheel (its own, newer GDAL), used by the tests
#    only in a subprocess to read our GeoPackages back (never imported into QGIS's process).
# 4. the development plugin folder $GIMPO_BUILD/plugins/gimpo_gis_plugin (symlinks into the repo) and a
#    project-local QGIS profile with the plugin enabled, so qgis_process loads it.
#
# `setup.sh --apt-only` does step 1 only (the matrix chroots are built with it).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
VENV="${VENV:-$ROOT/.venv}"
BUILD="${GIMPO_BUILD:-$ROOT/build}"
# The GDAL >= 3.10 oracle: pyogrio 0.13.0's wheel carries GDAL 3.12; with geopandas our own GeoPackage
# writer runs on that GDAL too (tests/gdal_oracle.py).
ORACLE_VENV="$BUILD/gdal-oracle-venv"
ORACLE_REQUIREMENTS=("pyogrio==0.13.0" "geopandas>=1.0,<1.2" "shapely>=2.1,<2.2" "pandas>=2.0,<3")

say() { printf '\033[1m[setup]\033[0m %s\n' "$*"; }
die() {
    say "error: $*" >&2
    exit 1
}

as_root() {
    if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

debian_release() {
    # /etc/debian_version: "12.11" on bookworm, "13.2" on trixie, "forky/sid" on testing/unstable.
    local version
    version="$(cat /etc/debian_version 2>/dev/null || true)"
    case "$version" in
        12.* | bookworm*) echo bookworm ;;
        13.* | trixie*) echo trixie ;;
        */sid) echo sid ;;
        *) die "unsupported system: /etc/debian_version is '${version:-missing}' (Debian 12, 13 or sid wanted)" ;;
    esac
}

RELEASE="${GIMPO_DEBIAN_RELEASE:-$(debian_release)}"

apt_lists_fresh=false
apt_update() {
    if [ "$apt_lists_fresh" = false ]; then
        as_root apt-get update -qq
        apt_lists_fresh=true
    fi
}

postgresql_major() {
    # The PostgreSQL major the release ships (the one its `postgresql` metapackage depends on).
    case "$RELEASE" in
        bookworm) echo 15 ;;
        trixie) echo 17 ;;
        *)
            local depends
            depends="$(apt-cache depends postgresql 2> /dev/null | awk '$1 == "Depends:" && $2 ~ /^postgresql-[0-9]+$/ { print $2; exit }')"
            if [ -z "$depends" ]; then
                apt_update
                depends="$(apt-cache depends postgresql | awk '$1 == "Depends:" && $2 ~ /^postgresql-[0-9]+$/ { print $2; exit }')"
            fi
            [ -n "$depends" ] || die "cannot tell which PostgreSQL major $RELEASE ships (apt-cache depends postgresql)"
            echo "${depends#postgresql-}"
            ;;
    esac
}

apt_packages() {
    # The lines of scripts/apt-packages.txt meant for this release, @PG@ replaced.
    local pg
    pg="$(postgresql_major)"
    local name releases
    while read -r name releases; do
        case "$name" in '' | '#'*) continue ;; esac
        if [ -n "$releases" ] && ! printf ' %s ' "$releases" | grep -q " $RELEASE "; then continue; fi
        echo "${name//@PG@/$pg}"
    done < scripts/apt-packages.txt
}

install_apt_packages() {
    local missing=() pkg
    while read -r pkg; do
        dpkg-query -W -f='${Status}' "$pkg" 2> /dev/null | grep -q "install ok installed" || missing+=("$pkg")
    done < <(apt_packages)
    if [ "${#missing[@]}" -gt 0 ]; then
        say "apt ($RELEASE): installing ${missing[*]}"
        apt_update
        DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "${missing[@]}"
    fi
}

debian_constraints() {
    # pip constraints that keep Debian's builds of the packages QGIS's process shares (a PyPI wheel of
    # one of them either replaces Debian's ABI or brings its own GDAL/PROJ/GEOS): name==Debian's version.
    local keep="numpy scipy pyproj"
    if [ "$RELEASE" != bookworm ]; then
        keep="$keep pandas shapely pyogrio geopandas rasterio numba llvmlite openpyxl"
    fi
    /usr/bin/python3 - $keep << 'EOF'
import sys
from importlib import metadata

for name in sys.argv[1:]:
    try:
        print(f"{name}=={metadata.version(name)}")
    except metadata.PackageNotFoundError:
        pass
EOF
}

pip_requirements_beside_debian() {
    # requirements-dev.txt (and the files it includes) without the packages Debian provides: from trixie
    # on those are Debian's builds against QGIS's own GDAL/GEOS/PROJ and are used as they are, whatever
    # requirements.txt's range (sid moves ahead of it); a version outside the range is said, not "fixed"
    # with a PyPI wheel.
    "$VENV/bin/python" - "$1" requirements-dev.txt << 'EOF'
import sys
from importlib import metadata
from pathlib import Path

from pip._vendor.packaging.requirements import InvalidRequirement, Requirement
from pip._vendor.packaging.utils import canonicalize_name

debian = {canonicalize_name(line.split("==")[0]) for line in Path(sys.argv[1]).read_text().split()}


def lines(path):
    for raw in Path(path).read_text().splitlines():
        line = raw.split(" #")[0].strip()
        if line.startswith("-r "):
            yield from lines(Path(path).parent / line[3:].strip())
        elif line and not line.startswith("#"):
            yield line


for line in lines(sys.argv[2]):
    try:
        requirement = Requirement(line)
    except InvalidRequirement:
        print(line)
        continue
    if requirement.marker is not None and not requirement.marker.evaluate():
        continue
    if canonicalize_name(requirement.name) not in debian:
        print(line)
        continue
    version = metadata.version(requirement.name)
    if requirement.specifier and not requirement.specifier.contains(version, prereleases=True):
        print(
            f"[setup] note: Debian's {requirement.name} {version} is outside requirements.txt's "
            f"{requirement.specifier}: Debian's build is used",
            file=sys.stderr,
        )
EOF
}

venv_site_packages() {
    # Where the venv's own packages go (lib/python3.X/site-packages): asked of its Python, not guessed.
    "$1/bin/python" -c 'import sysconfig; print(sysconfig.get_path("purelib"))'
}

install_python_packages() {
    if [ ! -x "$VENV/bin/python" ]; then
        say "creating venv $VENV (with Debian's site packages)"
        /usr/bin/python3 -m venv --system-site-packages "$VENV"
    fi
    local constraints="$VENV/debian-constraints.txt"
    debian_constraints > "$constraints.new"
    mv "$constraints.new" "$constraints"
    local stamp="$VENV/.requirements.sha256"
    local want
    want="$( (
        echo "$RELEASE"
        "$VENV/bin/python" -V
        cat requirements.txt requirements-dev.txt "$constraints"
    ) | sha256sum | cut -d' ' -f1)"
    if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
        if [ "$RELEASE" = bookworm ]; then
            say "pip: installing requirements (shapely and pyogrio build from source: a few minutes the first time)"
        else
            say "pip: installing requirements (Debian's geopandas, shapely, pyogrio, rasterio, numpy are used as they are)"
        fi
        "$VENV/bin/pip" install -q --upgrade pip 2>&1 | grep -v "is ignored" || true
        local requirements=requirements-dev.txt
        if [ "$RELEASE" != bookworm ]; then
            requirements="$VENV/pip-requirements.txt"
            pip_requirements_beside_debian "$constraints" > "$requirements"
        fi
        # --no-binary: should Debian lack one of these, it is built against Debian's GDAL/GEOS, never a
        # wheel that bundles its own.
        "$VENV/bin/pip" install -q --no-binary shapely,pyogrio,rasterio,fiona -c "$constraints" \
            -r "$requirements" 2> >(grep -v "is ignored" >&2)
        echo "$want" > "$stamp"
    fi
    # Debian's pyproj finds its PROJ data relative to sys.prefix, which a venv changes.
    echo "import os; os.environ.setdefault('PROJ_DATA', '/usr/share/proj')" \
        > "$(venv_site_packages "$VENV")/gimpo_proj_data.pth"
}

install_gdal_oracle() {
    # A venv of its own (no system site packages): pyogrio's wheel with its bundled, newer GDAL. The
    # tests run it as a subprocess (tests/gdal_oracle.py) to read back what our writers produce.
    local stamp="$ORACLE_VENV/.requirements" want="${ORACLE_REQUIREMENTS[*]}"
    if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -x "$ORACLE_VENV/bin/python" ]; then
        return
    fi
    say "GDAL oracle: $ORACLE_VENV ($want: wheels, with their own GDAL)"
    rm -rf "$ORACLE_VENV"
    /usr/bin/python3 -m venv "$ORACLE_VENV"
    "$ORACLE_VENV/bin/pip" install -q --only-binary :all: "${ORACLE_REQUIREMENTS[@]}" 2> >(grep -v "is ignored" >&2)
    echo "$want" > "$stamp"
}

stage_dev_plugin() {
    # QGIS wants metadata.txt, resources and the models inside the plugin folder; the repo keeps them at
    # the top level (as the brief's layout says), so the dev folder is a tree of symlinks into the repo.
    local dest="$BUILD/plugins/gimpo_gis_plugin"
    mkdir -p "$dest"
    local item
    for item in "$ROOT"/gimpo_gis_plugin/*; do
        ln -sfn "$item" "$dest/$(basename "$item")"
    done
    ln -sfn "$ROOT/metadata.txt" "$dest/metadata.txt"
    ln -sfn "$ROOT/resources" "$dest/resources"
    ln -sfn "$ROOT/processing" "$dest/models"
    ln -sfn "$ROOT/i18n" "$dest/i18n"
    # Drop links whose source file was deleted in the repo.
    find "$dest" -maxdepth 1 -xtype l -delete
}

enable_plugin_in_profile() {
    # shellcheck source=scripts/env.sh
    source "$ROOT/scripts/env.sh"
    local ini="$QGIS_CUSTOM_CONFIG_PATH/profiles/default/QGIS/QGIS3.ini"
    if ! grep -q '^gimpo_gis_plugin=true' "$ini" 2> /dev/null; then
        say "enabling gimpo_gis_plugin in the project QGIS profile $QGIS_CUSTOM_CONFIG_PATH"
        qgis_process.bin plugins enable gimpo_gis_plugin > /dev/null
    fi
}

build_translations() {
    # i18n/*.ts -> i18n/*.qm (lrelease from qttools5-dev-tools); rebuilt only when a .ts changed.
    "$VENV/bin/python" scripts/build_translations.py
}

install_apt_packages
if [ "${1:-}" = --apt-only ]; then
    exit 0
fi
install_python_packages
install_gdal_oracle
build_translations
# MapLibre GL JS for the published web map (npm, pinned). npm comes from Debian (package npm, with its
# nodejs) unless the machine already has one (some images ship NodeSource's nodejs, which carries npm and
# would conflict with Debian's npm package).
if ! command -v npm > /dev/null; then
    say "apt: installing npm (for the web map's MapLibre GL JS)"
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends npm
fi
bash scripts/install_web_vendor.sh
stage_dev_plugin
enable_plugin_in_profile
say "ready ($RELEASE, $("$VENV/bin/python" -V), venv: $VENV)"
