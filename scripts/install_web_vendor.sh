#!/usr/bin/env bash
# Install the web map's JavaScript (MapLibre GL JS, pinned in resources/web/npm-packages.txt) from npm into
# build/web-vendor (git-ignored). Idempotent: nothing is fetched when the pinned versions are installed.
# Without node/npm the web map cannot be published from the repository; the plugin zip carries the files.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEST="$ROOT/build/web-vendor"
mapfile -t PACKAGES < <(grep -v '^\s*#' "$ROOT/resources/web/npm-packages.txt" | sed '/^\s*$/d')
installed_all=1
for spec in "${PACKAGES[@]}"; do
    name="${spec%@*}"
    version="${spec##*@}"
    manifest="$DEST/node_modules/$name/package.json"
    if [ ! -f "$manifest" ] || ! grep -q "\"version\": \"$version\"" "$manifest"; then
        installed_all=0
    fi
done
[ "$installed_all" = 1 ] && exit 0
if ! command -v npm > /dev/null; then
    echo "[setup] npm가 없어 웹 지도용 MapLibre GL JS를 설치하지 못했습니다 (apt-get install npm). / npm missing" >&2
    exit 1
fi
mkdir -p "$DEST"
[ -f "$DEST/package.json" ] || echo '{"name": "gimpo-web-vendor", "private": true}' > "$DEST/package.json"
echo "[setup] npm: installing ${PACKAGES[*]} into build/web-vendor"
npm install --prefix "$DEST" --no-audit --no-fund --save-exact --loglevel=error "${PACKAGES[@]}"
