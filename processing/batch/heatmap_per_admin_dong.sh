#!/usr/bin/env bash
# One heat map of complaints per 행정동, as a batch job: a loop over the 행정동 codes, one qgis_process run
# each (the 행정동 polygon is the mask, selected with a layer filter). Stops at the first failure
# (qgis_process exits non-zero) and prints each run's JSON results, which a script can parse.
#   processing/batch/heatmap_per_admin_dong.sh [CITY_GPKG] [OUT_FOLDER]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
city="${1:-$root/out/city/gimpo_sample_city.gpkg}"
out="${2:-$root/out/batch/heatmaps}"
mkdir -p "$out"
codes=$(/usr/bin/python3 -c "
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
print(' '.join(r[0] for r in db.execute('SELECT admin_dong_code FROM admin_dongs ORDER BY admin_dong_code')))
" "$city")
for code in $codes; do
    "$root/bin/qgis_process" --json run gimpo:heatmap -- \
        "INPUT=$city|layername=complaints|subset=admin_dong_code = '$code'" \
        RADIUS=300 PIXEL_SIZE=10 WEIGHT_FIELD=weight \
        "MASK=$city|layername=admin_dongs|subset=admin_dong_code = '$code'" \
        "OUTPUT=$out/complaints_heatmap_$code.tif" | /usr/bin/python3 -c "
import json, sys
results = json.load(sys.stdin)['results']
print('$code', results['OUTPUT'])
"
done
