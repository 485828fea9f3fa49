#!/usr/bin/env bash
# Idempotent setup for `make demo`, `make test` and CI on Debian 12.
#
# 1. apt: QGIS 3.22 LTR and the libraries shapely/pyogrio build against (only when something is missing).
# 2. a venv that sees Debian's python3-qgis, pyproj, numpy, scipy and osgeo (--system-site-packages),
#    with our pip requirements; reinstalled only when a requirements file changes.
# 3. the development plugin folder build/plugins/gimpo_gis_plugin (symlinks into the repo) and a
#    project-local QGIS profile with the plugin enabled, so qgis_process loads it.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
VENV="${VENV:-$ROOT/.venv}"

say() { printf '\033[1m[setup]\033[0m %s\n' "$*"; }

as_root() {
    if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

install_apt_packages() {
    local missing=()
    while read -r pkg; do
        [ -z "$pkg" ] && continue
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
    done < scripts/apt-packages.txt
    if [ "${#missing[@]}" -gt 0 ]; then
        say "apt: installing ${missing[*]}"
        as_root apt-get update -qq
        DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "${missing[@]}"
    fi
}

install_python_packages() {
    if [ ! -x "$VENV/bin/python" ]; then
        say "creating venv $VENV (with Debian's site packages)"
        /usr/bin/python3 -m venv --system-site-packages "$VENV"
    fi
    local stamp="$VENV/.requirements.sha256"
    local want
    want="$(cat requirements.txt requirements-dev.txt constraints.txt scripts/apt-packages.txt | sha256sum | cut -d' ' -f1)"
    if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
        say "pip: installing requirements (shapely and pyogrio build from source: a few minutes the first time)"
        "$VENV/bin/pip" install -q --upgrade pip 2>&1 | grep -v "is ignored" || true
        "$VENV/bin/pip" install -q --no-binary shapely,pyogrio -c constraints.txt -r requirements-dev.txt \
            2> >(grep -v "is ignored" >&2)
        echo "$want" > "$stamp"
    fi
    # Debian's pyproj finds its PROJ data relative to sys.prefix, which a venv changes.
    echo "import os; os.environ.setdefault('PROJ_DATA', '/usr/share/proj')" \
        > "$VENV/lib/python3.11/site-packages/gimpo_proj_data.pth"
}

stage_dev_plugin() {
    # QGIS wants metadata.txt, resources and the models inside the plugin folder; the repo keeps them at
    # the top level (as the brief's layout says), so the dev folder is a tree of symlinks into the repo.
    local dest="$ROOT/build/plugins/gimpo_gis_plugin"
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
    if ! grep -q '^gimpo_gis_plugin=true' "$ini" 2>/dev/null; then
        say "enabling gimpo_gis_plugin in the project QGIS profile $QGIS_CUSTOM_CONFIG_PATH"
        qgis_process.bin plugins enable gimpo_gis_plugin > /dev/null
    fi
}

build_translations() {
    # i18n/*.ts -> i18n/*.qm (lrelease from qttools5-dev-tools); rebuilt only when a .ts changed.
    "$VENV/bin/python" scripts/build_translations.py
}

install_apt_packages
install_python_packages
build_translations
bash scripts/install_web_vendor.sh  # MapLibre GL JS for the published web map (npm, pinned)
stage_dev_plugin
enable_plugin_in_profile
say "ready (venv: $VENV)"
