# Sourced by bin/qgis_process, the Makefile's recipes and tests: the environment in which QGIS
# (qgis_process, PyQGIS in pytest) sees this project's venv, its plugin and its own QGIS profile.
_GIMPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export GIMPO_ROOT="$_GIMPO_ROOT"
export VENV="${VENV:-$_GIMPO_ROOT/.venv}"
# Everything made per machine / QGIS version (staged plugin, QGIS profile, GDAL oracle venv); the matrix
# chroots each use their own folder here.
export GIMPO_BUILD="${GIMPO_BUILD:-$_GIMPO_ROOT/build}"
# qgis_process runs Debian's /usr/bin/python3 embedded: it sees the venv only through PYTHONPATH.
# The venv's site-packages (lib/python3.X/...) is asked of the venv's own Python: 3.11 on Debian 12,
# 3.13 on Debian 13.
if [ -x "$VENV/bin/python" ]; then
    _site="$("$VENV/bin/python" -c 'import sysconfig; print(sysconfig.get_path("purelib"))')"
    case ":${PYTHONPATH:-}:" in
        *":$_site:"*) ;;
        *) export PYTHONPATH="$_site${PYTHONPATH:+:$PYTHONPATH}" ;;
    esac
fi
# Always the project profile (pytest-qgis sets its own for the test process; subprocesses must not inherit it).
export QGIS_CUSTOM_CONFIG_PATH="${GIMPO_QGIS_PROFILE:-$GIMPO_BUILD/qgis-profile}"
export QGIS_PLUGINPATH="$GIMPO_BUILD/plugins"
export GIMPO_GDAL_ORACLE="${GIMPO_GDAL_ORACLE:-$GIMPO_BUILD/gdal-oracle-venv/bin/python}"
export QT_QPA_PLATFORM="${QT_QPA_PLATFORM:-offscreen}"
export XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-/tmp/runtime-$(id -u)}"
mkdir -p "$XDG_RUNTIME_DIR" "$QGIS_CUSTOM_CONFIG_PATH" && chmod 700 "$XDG_RUNTIME_DIR"
export PATH="$VENV/bin:$PATH"
unset _site _GIMPO_ROOT
