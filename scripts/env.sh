# Sourced by bin/qgis_process, the Makefile's recipes and tests: the environment in which QGIS
# (qgis_process, PyQGIS in pytest) sees this project's venv, its plugin and its own QGIS profile.
_GIMPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export GIMPO_ROOT="$_GIMPO_ROOT"
export VENV="${VENV:-$_GIMPO_ROOT/.venv}"
# qgis_process runs Debian's /usr/bin/python3 embedded: it sees the venv only through PYTHONPATH.
_site="$VENV/lib/python3.11/site-packages"
case ":${PYTHONPATH:-}:" in
    *":$_site:"*) ;;
    *) export PYTHONPATH="$_site${PYTHONPATH:+:$PYTHONPATH}" ;;
esac
# Always the project profile (pytest-qgis sets its own for the test process; subprocesses must not inherit it).
export QGIS_CUSTOM_CONFIG_PATH="${GIMPO_QGIS_PROFILE:-$_GIMPO_ROOT/build/qgis-profile}"
export QGIS_PLUGINPATH="$_GIMPO_ROOT/build/plugins"
export QT_QPA_PLATFORM="${QT_QPA_PLATFORM:-offscreen}"
export XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-/tmp/runtime-$(id -u)}"
mkdir -p "$XDG_RUNTIME_DIR" "$QGIS_CUSTOM_CONFIG_PATH" && chmod 700 "$XDG_RUNTIME_DIR"
export PATH="$VENV/bin:$PATH"
unset _site _GIMPO_ROOT
