#!/usr/bin/env bash
# The version matrix: the whole suite (`make test`) on each QGIS this plugin supports.
#
#   scripts/matrix.sh                  host (Debian 12, QGIS 3.22), trixie (QGIS 3.40), sid (QGIS 3.44)
#   scripts/matrix.sh host sid         only those legs (.ci/run runs these two)
#
# The host leg runs here; the others in Debian chroots that scripts/matrix_chroot.sh builds with
# debootstrap from this machine's Debian mirror and keeps in $GIMPO_CHROOT_CACHE (rebuilt only when
# missing). Each leg's pytest log and JUnit XML go to build/matrix/<leg>.{log,xml}; at the end one line
# per leg: QGIS version, tests passed / failed / skipped, minutes; then the legs' fingerprints (same seed,
# same findings, raster statistics, layers) are compared. Exit status: 0 only if every leg ran tests, none
# failed (no tests collected is a failure too) and all legs gave the same results.
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
OUT="$ROOT/build/matrix"
mkdir -p "$OUT"
legs=("$@")
[ "${#legs[@]}" -gt 0 ] || legs=(host trixie sid)
PYTEST_ARGS="${PYTEST_ARGS:-}"

say() { printf '\033[1m[matrix]\033[0m %s\n' "$*"; }

leg_command() {
    # What runs a leg: the repo's own `make test`, here or in the leg's chroot.
    local leg="$1"
    shift
    if [ "$leg" = host ]; then
        "$@"
    else
        bash "$ROOT/scripts/matrix_chroot.sh" run "$leg" "$@"
    fi
}

qgis_version_of() {
    leg_command "$1" /usr/bin/python3 -c 'from qgis.core import Qgis; print(Qgis.version().split("-")[0])' 2> /dev/null \
        | tail -n1
}

summarise() {
    # tests passed failed skipped from a JUnit XML file (pytest's), or "- - -" when there is none.
    /usr/bin/python3 - "$1" << 'EOF'
import sys
import xml.etree.ElementTree as ET

try:
    root = ET.parse(sys.argv[1]).getroot()
except (OSError, ET.ParseError):
    print("- - - -")
    raise SystemExit
suites = [root] if root.tag == "testsuite" else list(root.iter("testsuite"))
total = sum(int(s.get("tests", 0)) for s in suites)
failed = sum(int(s.get("failures", 0)) + int(s.get("errors", 0)) for s in suites)
skipped = sum(int(s.get("skipped", 0)) for s in suites)
print(total - failed - skipped, failed, skipped, total)
EOF
}

main() {
    # Each leg writes what must be the same everywhere (tests/core/test_version_fingerprint.py); compared
    # at the end, the first leg being the reference.
    FINGERPRINTS="$OUT/fingerprints"
    compared=()
    results=()
    status=0
    for leg in "${legs[@]}"; do
        case "$leg" in host | trixie | sid) ;; *)
            say "unknown leg '$leg' (host, trixie, sid)"
            exit 2
            ;;
        esac
        log="$OUT/$leg.log"
        xml="$OUT/$leg.xml"
        rm -f "$xml"
        started=$SECONDS
        if [ "$leg" != host ]; then
            say "$leg: chroot (built once, then cached)"
            bash scripts/matrix_chroot.sh build "$leg" 2>&1 | tee "$OUT/$leg-build.log" | tail -n 3
            if [ "${PIPESTATUS[0]}" -ne 0 ]; then
                say "$leg: building the chroot failed (see $OUT/$leg-build.log)"
                results+=("$leg ? chroot build failed")
                status=1
                continue
            fi
        fi
        built=$SECONDS
        say "$leg: make test (log: $log)"
        rm -f "$FINGERPRINTS/$leg.json"
        GIMPO_FINGERPRINT_DIR="$FINGERPRINTS" GIMPO_MATRIX_LEG="$leg" \
            leg_command "$leg" make test PYTEST_ARGS="-p no:cacheprovider --junitxml=$xml $PYTEST_ARGS" > "$log" 2>&1
        code=$?
        [ -f "$FINGERPRINTS/$leg.json" ] && compared+=("$FINGERPRINTS/$leg.json")
        minutes=$(awk -v s=$((SECONDS - built)) 'BEGIN { printf "%.1f", s / 60 }')
        setup_minutes=$(awk -v s=$((built - started)) 'BEGIN { printf "%.1f", s / 60 }')
        version="$(qgis_version_of "$leg")"
        read -r passed failed skipped total <<< "$(summarise "$xml")"
        tail -n 1 "$log"
        if [ "$code" -ne 0 ] || [ "$total" = - ] || [ "$total" = 0 ]; then status=1; fi
        results+=("$(printf '%-7s QGIS %-8s passed %4s  failed %3s  skipped %3s  of %4s  exit %3s  tests %5s min  (chroot check %s min)' \
            "$leg" "${version:-?}" "$passed" "$failed" "$skipped" "$total" "$code" "$minutes" "$setup_minutes")")
    done

    say "results"
    printf '%s\n' "${results[@]}" | tee "$OUT/summary.txt"
    if [ "${#compared[@]}" -ge 2 ]; then
        say "same inputs, same results across versions?"
        /usr/bin/python3 scripts/matrix_compare.py "${compared[@]}" | tee -a "$OUT/summary.txt"
        [ "${PIPESTATUS[0]}" -eq 0 ] || status=1
    fi
    return "$status"
}

# One function, read whole before it runs: editing this file during a run cannot break the run.
main "$@"; exit $?
