<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US" sourcelanguage="ko_KR">
<context>
    <name>CctvCoverage</name>
    <message>
        <source>CCTV 감시 범위</source>
        <translation>coverage</translation>
    </message>
    <message>
        <source>CCTV 사각지대</source>
        <translation>blind spots</translation>
    </message>
    <message>
        <source>CCTV 사각지대 분석</source>
        <translation>CCTV coverage and blind spots (CCTV 사각지대 분석)</translation>
    </message>
    <message>
        <source>CCTV 사각지대 분석 결과</source>
        <translation>Coverage</translation>
    </message>
    <message>
        <source>CCTV 시야</source>
        <translation>camera views</translation>
    </message>
    <message>
        <source>CCTV 신규 설치 후보</source>
        <translation>proposed sites</translation>
    </message>
    <message>
        <source>CCTV 신규 후보 시야</source>
        <translation>proposed views</translation>
    </message>
    <message>
        <source>CCTV 제외 레코드</source>
        <translation>CCTV rejected records</translation>
    </message>
    <message>
        <source>CCTV 카메라</source>
        <translation>CCTV cameras</translation>
    </message>
    <message>
        <source>건물</source>
        <translation>Buildings</translation>
    </message>
    <message>
        <source>건물 높이 필드 (m)</source>
        <translation>Building height field (m)</translation>
    </message>
    <message>
        <source>관리기관 필드</source>
        <translation>Agency field</translation>
    </message>
    <message>
        <source>대상 지역 ID 필드</source>
        <translation>Target id field</translation>
    </message>
    <message>
        <source>대상 지역 가중치 필드</source>
        <translation>Target weight field</translation>
    </message>
    <message>
        <source>목록에 올릴 최소 사각지대 면적 (m²)</source>
        <translation>Smallest blind spot listed (m²)</translation>
    </message>
    <message>
        <source>분석 대상 지역</source>
        <translation>Target areas</translation>
    </message>
    <message>
        <source>사각지대 분석 대상 지역</source>
        <translation>target areas</translation>
    </message>
    <message>
        <source>신규 카메라 감시거리 (m)</source>
        <translation>New camera range (m)</translation>
    </message>
    <message>
        <source>신규 카메라 설치 높이 (m)</source>
        <translation>New camera mounting height (m)</translation>
    </message>
    <message>
        <source>신규 카메라 수</source>
        <translation>Number of new cameras to site</translation>
    </message>
    <message>
        <source>신규 카메라 화각 (°)</source>
        <translation>New camera field of view (°)</translation>
    </message>
    <message>
        <source>신규 카메라 후보 지점 (가로등 기둥 등)</source>
        <translation>Candidate poles for new cameras</translation>
    </message>
    <message>
        <source>취소되었습니다: 출력은 쓰지 않았습니다.</source>
        <translation>Cancelled: no output was written.</translation>
    </message>
    <message>
        <source>카메라 ID 필드</source>
        <translation>Camera id field</translation>
    </message>
    <message>
        <source>카메라 {}대 중 {}대 사용, {}대 제외; 감시 면적 {:,.0f} m²; 사각지대 {}곳; 신규 후보 {}곳</source>
        <translation>{} cameras read, {} used, {} rejected; coverage {:,.0f} m²; {} blind spots; {} new sites</translation>
    </message>
    <message>
        <source>카메라마다 방위각, 수평 화각, 감시거리, 설치 높이, 기울기로 지면의 시야를 구하고, 가로막는 건물 외곽선으로 잘라냅니다(카메라보다 낮은 건물은 바로 뒤 지면만 가리고, 높이가 없는 건물은 완전히 가립니다). 기둥 아래의 근접 사각도 뺍니다. 방위각이 없는 카메라(회전형/PTZ)는 전방위를 보는 것으로 보고 표시합니다.

대상 지역(주거 블록, 어린이보호구역, 핫스팟)을 주면 아무도 보지 않는 땅이 면적 × 가중치 순으로 사각지대가 되고, 후보 지점(가로등 기둥)을 주면 새 카메라를 최대 NEW_CAMERAS대까지, 남은 가중 사각 면적을 가장 많이 덮는 곳부터 차례로 배치하며 각각의 효과를 씁니다.

출력: GeoPackage 하나에 camera_views(카메라 시야), coverage(전체와 관리기관별 감시 범위), target_areas, blind_spots(사각지대), proposed_sites(신규 설치 후보), proposed_views, rejects(문제가 있는 모든 레코드: id, 필드, 사유, 처리), summary. 화각이 0 이하이거나 360 초과, 관리기관 없음, id 없음, 점이 아닌 도형인 카메라는 조용히 빠지지 않고 rejects에 남습니다.</source>
        <translation>Each camera's view on the ground from its azimuth, horizontal field of view, range, mounting height and tilt, cut by the building footprints in its way (a building lower than the camera hides only the ground just behind it; buildings without a height block completely), minus the near blind zone under the pole. A camera without an azimuth (회전형/PTZ) is taken as seeing the full circle and flagged.

With TARGETS (residential blocks, 어린이보호구역, hot spots) the open ground nobody sees becomes blind spots ranked by area × weight; with CANDIDATES (streetlight poles) up to NEW_CAMERAS new cameras are placed greedily, each where it covers the most weighted blind area left, with the gain of each.

Output: one GeoPackage with camera_views, coverage (all and per agency), target_areas, blind_spots, proposed_sites, proposed_views, rejects (every record with a problem: its id, field, reason and what was done) and summary. Cameras with field of view ≤ 0 or &gt; 360, no agency, no id or a geometry other than a point are rejected, never silently dropped.</translation>
    </message>
    <message>
        <source>후보 지점 ID 필드</source>
        <translation>Candidate id field</translation>
    </message>
</context>
<context>
    <name>ClearanceCheck</name>
    <message>
        <source>관로 {}개, 가까운 쌍 {}개 검토: 교차 위반 {}건, 병행 위반 {}건(깊이 미상 {}건); 자료 문제 {}건, 제외 레코드 {}건</source>
        <translation>{} lines, {} close pairs checked: {} crossing and {} parallel conflicts ({} with unknown depth); {} data issues, {} rejected records</translation>
    </message>
    <message>
        <source>서로 다른 종류의 지하 관로(상수, 하수, 가스, 전력, 통신, 지역난방) 사이의 이격을 이격거리 표(resources/rules/clearance.csv: 관 외면 사이의 수평·수직 미터와 각 값의 출처 기준; 기준과 대조하지 않은 값은 to_be_confirmed로 표시 — 바꾸려면 자체 표를 주세요)와 비교합니다.

교차: 두 관로가 평면에서 교차하는 곳에서 관 몸체 사이의 수직 간격(각 관로의 깊이를 따라 보간, 관경 포함, 깊이 범위는 최악의 경우)이 수직 이격에 이르러야 합니다. 병행: 한 관로가 다른 관로의 수평 이격 안에 최소 병행 길이 이상 머무르면 수직으로 수직 이격만큼 떨어져야 합니다. 깊이를 모르는 쌍은 통과시키지 않고 'unknown'으로 보고합니다.

출력: conflict_points(교차), conflict_lines(병행)와 두 시설물, 측정·요구 이격; data_issues(음수, 역전, 비현실적 또는 없는 깊이, 관리기관 없음 ...)와 rejects(쓸 수 없는 레코드).</source>
        <translation>Checks the separation between buried lines of different types against a clearance table (resources/rules/clearance.csv: horizontal and vertical metres edge to edge, with the standard each value comes from; values not yet checked against the standard are marked to_be_confirmed — give your own table to change them).

Crossings: where two lines cross in plan, the vertical gap between the pipe bodies (depths interpolated along each line, diameters included, worst case of a depth range) must reach the vertical clearance. Parallel runs: where one line stays within the horizontal clearance of another for at least the minimum run length, they must be vertically apart by the vertical clearance. Pairs where a depth is unknown are reported with status 'unknown', never passed.

Output: conflict_points (crossings), conflict_lines (parallel runs) with both facilities, measured and required separations; data_issues (negative, inverted, implausible or missing depths, missing agency ... on their facility) and rejects (records that could not be used).</translation>
    </message>
    <message>
        <source>시설물 자료 문제</source>
        <translation>Facility data issues</translation>
    </message>
    <message>
        <source>시설물 저장소 (GeoPackage 또는 PostGIS 스키마)</source>
        <translation>Facility store (GeoPackage or PostGIS schema)</translation>
    </message>
    <message>
        <source>이격 위반 (교차)</source>
        <translation>Crossing conflicts</translation>
    </message>
    <message>
        <source>이격 위반 (병행)</source>
        <translation>Parallel-run conflicts</translation>
    </message>
    <message>
        <source>이격 위반 수</source>
        <translation>Number of conflicts</translation>
    </message>
    <message>
        <source>이격거리 위반</source>
        <translation>Clearance conflicts</translation>
    </message>
    <message>
        <source>이격거리 표 (CSV; 비우면 내장 표)</source>
        <translation>Clearance table (CSV; empty: the bundled one)</translation>
    </message>
    <message>
        <source>자료 문제 수</source>
        <translation>Number of data issues</translation>
    </message>
    <message>
        <source>지하시설물 이격거리 검토</source>
        <translation>Clearance check between buried facilities</translation>
    </message>
    <message>
        <source>지하시설물 표준 레이어(wtl_pipe_lm 상수관로, swl_pipe_lm 하수관로, gas_pipe_lm 가스관 ...)를 담은 곳.</source>
        <translation>Holds the standard buried-facility layers (wtl_pipe_lm water, swl_pipe_lm sewer, gas_pipe_lm gas ...).</translation>
    </message>
    <message>
        <source>최소 병행 길이 (m)</source>
        <translation>Minimum parallel run length (m)</translation>
    </message>
    <message>
        <source>취소되었습니다: 출력은 쓰지 않았습니다.</source>
        <translation>Cancelled: no output was written.</translation>
    </message>
</context>
<context>
    <name>CreateSampleCity</name>
    <message>
        <source>과세대장 CSV (CP949)</source>
        <translation>Tax ledger CSV (CP949)</translation>
    </message>
    <message>
        <source>과세대장 XLSX</source>
        <translation>Tax ledger XLSX</translation>
    </message>
    <message>
        <source>과세대장을 XLSX로도 쓰기</source>
        <translation>Also write the ledger as XLSX</translation>
    </message>
    <message>
        <source>김포시의 현실적이고 결정적인 예제를 EPSG:5186으로 씁니다: 실제 14개 행정동 경계, 전국 법정동 코드표로 코드를 붙인 법정동 구역, 연속지적도 스키마(PNU, JIBUN, BCHK, SGG_OID, COL_ADM_SE)의 필지(산 지번과 실제 자료의 특이점 포함), 폭이 있는 도로, GIS건물통합정보 형식의 건물, 그리고 시가 내보내는 그대로의 재산세 과세대장: 한글 머리글의 CP949 CSV와 XLSX 사본, 그 안에 심어 둔 모든 불일치의 목록.

PARCELS로 크기를 정합니다: 시험용 5,000, 김포 같은 도시는 200,000. 같은 SEED는 언제나 같은 도시를 만듭니다.</source>
        <translation>Writes a realistic, deterministic sample of Gimpo-si in EPSG:5186: the 14 real 행정동 boundaries, 법정동 areas coded from the national 법정동 table, parcels in the 연속지적도 schema (PNU, JIBUN, BCHK, SGG_OID, COL_ADM_SE) with 산 lots and the quirks of real data, roads with widths, buildings in the GIS건물통합정보 style, and the property-tax ledger as the city exports it: a CP949 CSV with Korean headers and an XLSX copy, plus a table of every discrepancy planted in it.

PARCELS sets the size: 5,000 for tests, 200,000 for a city like 김포. The same SEED always gives the same city.</translation>
    </message>
    <message>
        <source>난수 시드</source>
        <translation>Random seed</translation>
    </message>
    <message>
        <source>대략 이만큼의 필지(일반 필지와 도로 필지)를 만듭니다.</source>
        <translation>About this many parcels (lots and road parcels) are generated.</translation>
    </message>
    <message>
        <source>심어 둔 불일치 정답표</source>
        <translation>Ground truth of planted discrepancies</translation>
    </message>
    <message>
        <source>예제 도시 GeoPackage</source>
        <translation>Sample city GeoPackage</translation>
    </message>
    <message>
        <source>예제 도시 건물</source>
        <translation>Buildings</translation>
    </message>
    <message>
        <source>예제 도시 만들기</source>
        <translation>Create sample city</translation>
    </message>
    <message>
        <source>예제 도시 필지</source>
        <translation>Parcels</translation>
    </message>
    <message>
        <source>출력 폴더</source>
        <translation>Output folder</translation>
    </message>
    <message>
        <source>출력 폴더 {}을(를) 만들 수 없습니다: {}. 쓰기 권한이 있는 폴더를 고르세요.</source>
        <translation>Cannot create the output folder {}: {}. Choose a folder you can write to.</translation>
    </message>
    <message>
        <source>취소되었습니다: 출력은 쓰지 않았습니다.</source>
        <translation>Cancelled: no output was written.</translation>
    </message>
    <message>
        <source>필지 {}, 건물 {}, 과세대장 {}행, 심어 둔 불일치 {}건을 {}에 썼습니다</source>
        <translation>Wrote {} parcels, {} buildings, {} ledger rows, {} planted discrepancies to {}</translation>
    </message>
    <message>
        <source>필지 수</source>
        <translation>Number of parcels</translation>
    </message>
    <message>
        <source>필지 수(PARCELS)는 100에서 {} 사이여야 합니다. 받은 값: {}.</source>
        <translation>PARCELS must be between 100 and {}; got {}.</translation>
    </message>
    <message>
        <source>필지 수(PARCELS)는 정수여야 합니다. 예: PARCELS=5000.</source>
        <translation>PARCELS must be a whole number, e.g. PARCELS=5000.</translation>
    </message>
</context>
<context>
    <name>ExcavationImpact</name>
    <message>
        <source>계획 굴착 (면, 또는 굴착 폭이 있는 선)</source>
        <translation>Planned dig (polygons, or lines with a trench width)</translation>
    </message>
    <message>
        <source>계획한 굴착이 3차원 안전 범위에 닿는 모든 지하시설물(상수/하수/가스/전력/통신/지역난방 관로, 맨홀, 밸브)을 찾습니다. 굴착은 면이거나 굴착 폭이 있는 선이며 DEPTH(또는 깊이 필드)까지 팝니다. 시설물이 굴착에서 수평 안전거리(관경의 절반 더함) 안에 있고, 그 범위 어딘가에서 관 윗면이 굴착 바닥 아래 수직 안전거리보다 얕으면 영향이 있습니다. 깊이는 관의 시점·종점 깊이(하수 beg_dep/end_dep)로 보간하고, 최저/최고깊이만 아는 상수관은 가장 얕은 깊이로 셉니다. 쓸 수 있는 깊이가 없는 시설물은 안전으로 보지 않고 위험으로 보고합니다.

종류별 안전거리는 resources/rules/excavation_margins.csv(편집 가능; 일부 값은 확인 필요 표시)에서, 자체 표를 주면 그 표에서 가져옵니다. 또 시설물마다 탐사 정확도 등급(acc_grade A 실측 … D 출처미상; 없으면 D)의 위치·깊이 허용오차(resources/rules/survey_accuracy.csv)만큼 안전거리를 넓혀, 준공도면에서 그린 관이 아슬아슬하게 통과되지 않게 합니다. 위치를 정확하다고 보려면 SURVEY_TOLERANCE=false. FACILITIES는 시설물 저장소 스키마의 GeoPackage입니다(예제 도시에 있음); 저장소가 제외한 레코드는 출력에 나옵니다.

출력: GeoPackage에 'affected'(시설물과 굴착마다 가장 노출된 지점 하나: 종류, 관리기관, 수평거리, 가장 가까운 지점의 깊이, 수직 여유, 위험 등급), 'affected_lines'(닿는 관로 구간), 'digs', 저장소의 'data_issues'와 'rejects'; 그리고 관리기관별 HTML 통보서 폴더. 굴착이 상수관에 닿으면 상수도 관리기관 통보서에 단수 계획(gimpo:valveisolation이 주는, 먼저 잠글 밸브)이 함께 실리고 'shutoff_valves'가 지도에 그 밸브를 보여 줍니다.</source>
        <translation>Finds every buried facility (상수/하수/가스/전력/통신/지역난방 lines, manholes, valves) whose 3-D safety envelope a planned dig reaches. The dig is a polygon, or a line with a trench width, dug down to DEPTH (or a depth field). A facility is reached when it lies within its horizontal margin (plus half its diameter) of the dig and its top, somewhere in that reach, is less than its vertical margin below the dig's bottom. Depth is interpolated along each pipe from its start and end depths (하수 beg_dep/end_dep); a water main known only by 최저/최고깊이 counts at its shallowest. A facility without a usable depth is reported as a risk, never as safe.

Margins per facility type come from resources/rules/excavation_margins.csv (editable; some values are marked to be confirmed) unless you give your own. Each facility's margins also grow by the position and depth tolerance of its survey grade (acc_grade A 실측 … D 출처미상; a missing grade counts as D) from resources/rules/survey_accuracy.csv, so a pipe drawn from as-built plans is not cleared by a hair; set SURVEY_TOLERANCE=false to take positions as exact. FACILITIES is a GeoPackage in the facility-store schema (the sample city has one); records the store had to reject are listed in the output.

Output: a GeoPackage with 'affected' (one point per facility and dig, at its most exposed spot: type, agency, horizontal distance, depth at the closest point, vertical clearance, risk rank), 'affected_lines' (the stretch of each line within reach), 'digs', and the store's 'data_issues' and 'rejects'; and a folder with one HTML notice per agency. When a dig reaches a water main, the water agency's notice also carries the shut-off plan (the valves to close first, as gimpo:valveisolation gives them) and 'shutoff_valves' shows them on the map.</translation>
    </message>
    <message>
        <source>관리기관별 통보서 (HTML 폴더)</source>
        <translation>Notices per agency (HTML)</translation>
    </message>
    <message>
        <source>굴착 ID 필드</source>
        <translation>Dig id field</translation>
    </message>
    <message>
        <source>굴착 계획</source>
        <translation>Planned digs</translation>
    </message>
    <message>
        <source>굴착 깊이 (m)</source>
        <translation>Dig depth (m)</translation>
    </message>
    <message>
        <source>굴착 단수 시 잠글 밸브</source>
        <translation>valves to close (shut-off)</translation>
    </message>
    <message>
        <source>굴착 영향 관로 구간</source>
        <translation>Affected line stretches</translation>
    </message>
    <message>
        <source>굴착 영향 시설물</source>
        <translation>Affected facilities</translation>
    </message>
    <message>
        <source>굴착 영향 지하시설물</source>
        <translation>Excavation impact on buried facilities</translation>
    </message>
    <message>
        <source>깊이 필드 (굴착별; 굴착 깊이보다 우선)</source>
        <translation>Depth field (per dig; overrides the depth)</translation>
    </message>
    <message>
        <source>모든 종류의 수직 안전거리 (m; 비우면 표의 종류별 값)</source>
        <translation>Vertical safety margin for all types (m; empty: per type from the table)</translation>
    </message>
    <message>
        <source>모든 종류의 수평 안전거리 (m; 비우면 표의 종류별 값)</source>
        <translation>Horizontal safety margin for all types (m; empty: per type from the table)</translation>
    </message>
    <message>
        <source>선 굴착의 폭 (m)</source>
        <translation>Trench width for line digs (m)</translation>
    </message>
    <message>
        <source>시설물 레코드 {}건을 쓸 수 없습니다('rejects' 레이어 참고): 이 시설물은 굴착과 대조하지 않았습니다.</source>
        <translation>{} facility records could not be used (see the 'rejects' layer); facilities in them are NOT checked against the dig.</translation>
    </message>
    <message>
        <source>시설물 저장소 (GeoPackage 또는 PostGIS 스키마)</source>
        <translation>Facility store (GeoPackage or PostGIS schema)</translation>
    </message>
    <message>
        <source>안전거리 표 (CSV; 비우면 내장 표)</source>
        <translation>Margins table (CSV; empty: the bundled one)</translation>
    </message>
    <message>
        <source>영향 시설물 {}건(고위험 {}건), 통보할 관리기관 {}곳; 통보서 {}</source>
        <translation>{} facilities affected ({} high risk), {} agencies to notify; notices in {}</translation>
    </message>
    <message>
        <source>영향 시설물 수</source>
        <translation>Number of affected facilities</translation>
    </message>
    <message>
        <source>지하시설물 표준 레이어(wtl_pipe_lm 상수관로, swl_pipe_lm 하수관로, gas_pipe_lm 가스관 ...)를 담은 곳.</source>
        <translation>Holds the standard buried-facility layers (wtl_pipe_lm water, swl_pipe_lm sewer, gas_pipe_lm gas ...).</translation>
    </message>
    <message>
        <source>취소되었습니다: 출력은 쓰지 않았습니다.</source>
        <translation>Cancelled: no output was written.</translation>
    </message>
    <message>
        <source>탐사 정확도 등급만큼 안전거리 넓히기</source>
        <translation>Widen the margins by each record's survey accuracy grade</translation>
    </message>
    <message>
        <source>탐사 정확도 표 (acc_grade별 CSV; 비우면 내장 표)</source>
        <translation>Survey accuracy table (CSV per acc_grade; empty: the bundled one)</translation>
    </message>
</context>
<context>
    <name>FacilityAging</name>
    <message>
        <source>관로별 교체 우선순위</source>
        <translation>Segments by priority</translation>
    </message>
    <message>
        <source>구간 {}개: 내용연수 경과 {}개, 5년 안에 도래 {}개, 미상 {}개</source>
        <translation>{} segments: {} past service life, {} due within 5 years, {} unknown</translation>
    </message>
    <message>
        <source>기준 연도</source>
        <translation>Reference year</translation>
    </message>
    <message>
        <source>내용연수 표 (CSV; 비우면 내장 표)</source>
        <translation>Service-life table (CSV; empty: the bundled one)</translation>
    </message>
    <message>
        <source>설치일이 없는 구간 {}개: 등급 0, 지역별 unknown_m에 셉니다.</source>
        <translation>{} segments have no install date: class 0, counted as unknown_m per area.</translation>
    </message>
    <message>
        <source>시설물 노후도</source>
        <translation>Aging</translation>
    </message>
    <message>
        <source>시설물 저장소 (GeoPackage 또는 PostGIS 스키마)</source>
        <translation>Facility store (GeoPackage or PostGIS schema)</translation>
    </message>
    <message>
        <source>시설물 저장소의 모든 지하 관로를 설치일(ist_ymd)부터 기준 연도까지의 나이로 계산하고, 종류와 재질별 내용연수(resources/rules/service_life.csv, 편집 가능; to_be_confirmed 표시 값 있음)와 비교합니다. 구간마다: 나이, 내용연수 사용률, 남은 연수, 우선순위 점수(사용률 × 종류별 중요도), 등급(1 내용연수 경과, 2 5년 안에 도래, 3 절반 이상, 4 양호, 0 설치연도 미상)과 순위.

지역별(면을 주지 않으면 김포의 14개 행정동): 관로 연장, 내용연수 경과 연장과 그 비율(share_over_life, 종류별도), 5년 안에 도래할 연장, 나이 미상 연장, 연장 가중 평균 나이. 관로를 지역 경계에서 잘라 연장이 맞게 더해집니다. 지역 레이어는 share_over_life로 스타일되어 정책지도 지표로 바로 쓸 수 있습니다.</source>
        <translation>Ages every buried line of the facility store from its install date (ist_ymd) at the reference year and compares it with the service life for its type and material (resources/rules/service_life.csv, editable; values marked to_be_confirmed). Per segment: age, life used, years left, a priority score (life used × the type's criticality), a class (1 past service life, 2 within 5 years, 3 over half, 4 good, 0 install year unknown) and a rank.

Per area (the 14 행정동 unless you give polygons): network length, length past service life and its share (share_over_life, also per type), length due within 5 years, length with unknown age and the length-weighted mean age. Lines are split at area boundaries, so lengths add up. The area layer is styled on share_over_life and is ready to use as a policy-map indicator.</translation>
    </message>
    <message>
        <source>지역 (면; 비우면 김포 14개 행정동)</source>
        <translation>Areas (polygons; empty: the 14 행정동 of 김포)</translation>
    </message>
    <message>
        <source>지역 ID 필드</source>
        <translation>Area id field</translation>
    </message>
    <message>
        <source>지역 이름 필드</source>
        <translation>Area name field</translation>
    </message>
    <message>
        <source>지역별 노후도</source>
        <translation>Aging indicator by area</translation>
    </message>
    <message>
        <source>지하시설물 노후도와 교체 우선순위</source>
        <translation>Facility aging and replacement priority</translation>
    </message>
    <message>
        <source>지하시설물 표준 레이어(wtl_pipe_lm 상수관로, swl_pipe_lm 하수관로, gas_pipe_lm 가스관 ...)를 담은 곳.</source>
        <translation>Holds the standard buried-facility layers (wtl_pipe_lm water, swl_pipe_lm sewer, gas_pipe_lm gas ...).</translation>
    </message>
    <message>
        <source>취소되었습니다: 출력은 쓰지 않았습니다.</source>
        <translation>Cancelled: no output was written.</translation>
    </message>
</context>
<context>
    <name>GimpoGis</name>
    <message>
        <source>김포 GIS</source>
        <translation>Gimpo GIS</translation>
    </message>
    <message>
        <source>김포 GIS: 재산세 과세자료, 인허가, 시설물, 지도</source>
        <translation>Gimpo GIS: tax ledger, permits, facilities and maps for Gimpo-si</translation>
    </message>
</context>
<context>
    <name>GimpoGroups</name>
    <message>
        <source>예제·기준 자료</source>
        <translation>Sample data and reference</translation>
    </message>
    <message>
        <source>인허가 의사결정 지원</source>
        <translation>Permit decision support</translation>
    </message>
    <message>
        <source>재산세 과세자료</source>
        <translation>Property tax</translation>
    </message>
    <message>
        <source>지상·지하 시설물</source>
        <translation>Facilities above and below ground</translation>
    </message>
    <message>
        <source>통합DB</source>
        <translation>Integrated database (통합DB)</translation>
    </message>
    <message>
        <source>히트맵·통계지도·정책지도</source>
        <translation>Heat, statistical and policy maps</translation>
    </message>
</context>
<context>
    <name>GimpoModels</name>
    <message>
        <source>굴착 안전 점검</source>
        <translation>Dig-safety check</translation>
    </message>
    <message>
        <source>안전 점검 (민원·CCTV)</source>
        <translation>Safety review (complaints, CCTV)</translation>
    </message>
    <message>
        <source>업무 모델</source>
        <translation>Models</translation>
    </message>
    <message>
        <source>연간 재산세 과세자료 점검</source>
        <translation>Annual property-tax audit</translation>
    </message>
    <message>
        <source>인허가 창구 하루</source>
        <translation>Permit desk day</translation>
    </message>
</context>
<context>
    <name>GimpoParameters</name>
    <message>
        <source>GeoPackage 또는 PostGIS</source>
        <translation>GeoPackage or PostGIS</translation>
    </message>
    <message>
        <source>GeoPackage 파일, 또는 통합DB(PostGIS)의 스키마: postgresql://사용자@호스트:5432/데이터베이스?schema=이름, PG:dbname=... host=... schemas=이름, 또는 QGIS에 저장된 PostgreSQL 연결 이름(public 스키마). 데이터베이스에서는 같은 이름의 테이블을 한 트랜잭션으로 바꾸며 기본키, 공간 인덱스, 스타일(QGIS 기본 스타일)을 함께 씁니다. 비밀번호는 로그와 결과에 남지 않습니다(QGIS 인증 설정 authcfg 또는 ~/.pgpass 권장).</source>
        <translation>A GeoPackage file, or a schema of the integrated PostGIS database (통합DB): postgresql://user:password@host:5432/database?schema=name, PG:dbname=... host=... schemas=name, or the name of a saved QGIS PostgreSQL connection (public schema). In the database the tables of the same names are replaced in one transaction, with primary keys, spatial indexes and the styles as QGIS defaults.</translation>
    </message>
</context>
<context>
    <name>Heatmap</name>
    <message>
        <source>{}: 점 레이어여야 합니다. {}은(는) {} 도형입니다. 먼저 중심점(centroid)으로 바꾸세요.</source>
        <translation>{}: must be a point layer; {} has {} geometries. Use its centroids first.</translation>
    </message>
    <message>
        <source>가우시안(Gaussian)</source>
        <translation>Gaussian</translation>
    </message>
    <message>
        <source>가중치 필드</source>
        <translation>Weight from field</translation>
    </message>
    <message>
        <source>감쇠 비율 (삼각 커널만)</source>
        <translation>Decay ratio (triangular only)</translation>
    </message>
    <message>
        <source>검색 반경 (m). 비우면 자동 (BANDWIDTH_RULE).</source>
        <translation>Search radius in metres; empty = automatic (BANDWIDTH_RULE).</translation>
    </message>
    <message>
        <source>균등(Uniform)</source>
        <translation>Uniform</translation>
    </message>
    <message>
        <source>마스크 면 (예: 시 경계)</source>
        <translation>Mask to polygons (e.g. city boundary)</translation>
    </message>
    <message>
        <source>반경 (m)</source>
        <translation>Radius</translation>
    </message>
    <message>
        <source>반경 필드</source>
        <translation>Radius from field</translation>
    </message>
    <message>
        <source>분기별</source>
        <translation>Quarter</translation>
    </message>
    <message>
        <source>비율 기준 주민 수 (명당)</source>
        <translation>Rate per residents</translation>
    </message>
    <message>
        <source>비율 최소 분모 (명)</source>
        <translation>Rate floor (residents)</translation>
    </message>
    <message>
        <source>비율용 인구 (점 또는 면)</source>
        <translation>Population for a rate (points or polygons)</translation>
    </message>
    <message>
        <source>비율용 인구(RATE_POPULATION)에는 인구 필드(RATE_POPULATION_FIELD, 예: population)가 필요합니다.</source>
        <translation>RATE_POPULATION needs RATE_POPULATION_FIELD (e.g. population).</translation>
    </message>
    <message>
        <source>비율은 원래 밀도로 계산하므로 출력 값 척도(OUTPUT_VALUE)는 쓰지 않습니다.</source>
        <translation>A rate is computed from raw densities; OUTPUT_VALUE is ignored.</translation>
    </message>
    <message>
        <source>사용한 반경 (m)</source>
        <translation>Radius used</translation>
    </message>
    <message>
        <source>사차(Quartic)</source>
        <translation>Quartic</translation>
    </message>
    <message>
        <source>삼각(Triangular)</source>
        <translation>Triangular</translation>
    </message>
    <message>
        <source>삼중가중(Triweight)</source>
        <translation>Triweight</translation>
    </message>
    <message>
        <source>시간 구간</source>
        <translation>Time slice</translation>
    </message>
    <message>
        <source>시간 구간(TIME_SLICE)에는 날짜 필드(TIME_FIELD, 예: received_date)가 필요합니다.</source>
        <translation>TIME_SLICE needs TIME_FIELD (a date field such as received_date).</translation>
    </message>
    <message>
        <source>시간 구간용 날짜 필드</source>
        <translation>Date field for time slices</translation>
    </message>
    <message>
        <source>없음</source>
        <translation>None</translation>
    </message>
    <message>
        <source>에파네크니코프(Epanechnikov)</source>
        <translation>Epanechnikov</translation>
    </message>
    <message>
        <source>원값</source>
        <translation>Raw</translation>
    </message>
    <message>
        <source>월별</source>
        <translation>Month</translation>
    </message>
    <message>
        <source>인구 레이어에 {} 필드가 없습니다.</source>
        <translation>The population layer has no field {}.</translation>
    </message>
    <message>
        <source>인구 필드</source>
        <translation>Population field</translation>
    </message>
    <message>
        <source>자동 반경 규칙</source>
        <translation>Automatic radius rule</translation>
    </message>
    <message>
        <source>점 레이어</source>
        <translation>Point layer</translation>
    </message>
    <message>
        <source>점(예: 민원)의 커널 밀도를 GeoTIFF로 쓰고, 열면 스타일이 적용됩니다. QGIS의 '히트맵(커널 밀도 추정)'과 같은 매개변수(INPUT, RADIUS, RADIUS_FIELD, PIXEL_SIZE, WEIGHT_FIELD, KERNEL 0 사차..4 에파네크니코프, DECAY, OUTPUT_VALUE)를 주면 QGIS와 같은 격자와 같은 값을 훨씬 빨리 계산합니다.

QGIS에 없는 기능: KERNEL 5는 가우시안(RADIUS는 표준편차 σ, 4 σ에서 자름); RADIUS를 비우면 자동 반경(Silverman 또는 Scott, 로그에 표시); MASK는 경계(예: 행정동) 밖을 비웁니다; TIME_FIELD와 TIME_SLICE로 월별·분기별 밴드를 씁니다; RATE_POPULATION(RATE_POPULATION_FIELD가 있는 점 또는 면)을 주면 주민 RATE_PER명당 건수가 되며, 빈 지역이 튀지 않도록 RATE_FLOOR명을 가장 작은 분모로 씁니다.

경위도 점은 EPSG:5186으로 바꿔 계산합니다(경고로 알림). 가중치가 비어 있으면 QGIS처럼 0으로 셉니다.</source>
        <translation>Kernel density of points (e.g. 민원 complaints) as a GeoTIFF, styled when opened. With the parameters of QGIS's 'Heatmap (Kernel Density Estimation)' (INPUT, RADIUS, RADIUS_FIELD, PIXEL_SIZE, WEIGHT_FIELD, KERNEL 0 quartic..4 epanechnikov, DECAY, OUTPUT_VALUE) the raster has QGIS's grid and QGIS's values, computed much faster.

Beyond QGIS: KERNEL 5 is a Gaussian (RADIUS is then its standard deviation σ, cut at 4 σ); leave RADIUS empty for an automatic radius (Silverman or Scott), reported in the log; MASK blanks everything outside a boundary (e.g. the 행정동); TIME_FIELD with TIME_SLICE writes one band per month or quarter; RATE_POPULATION (points or polygons with RATE_POPULATION_FIELD) turns the map into events per RATE_PER residents, with RATE_FLOOR residents as the smallest denominator so that empty areas do not explode.

Points in degrees are reprojected to EPSG:5186 (a warning says so). Null weights count as 0, as in QGIS.</translation>
    </message>
    <message>
        <source>척도 조정</source>
        <translation>Scaled</translation>
    </message>
    <message>
        <source>출력 값 척도</source>
        <translation>Output value scaling</translation>
    </message>
    <message>
        <source>취소되었습니다: 출력은 쓰지 않았습니다.</source>
        <translation>Cancelled: no output was written.</translation>
    </message>
    <message>
        <source>커널 모양</source>
        <translation>Kernel shape</translation>
    </message>
    <message>
        <source>픽셀 크기 (m)</source>
        <translation>Pixel size</translation>
    </message>
    <message>
        <source>히트맵</source>
        <translation>Heat map</translation>
    </message>
    <message>
        <source>히트맵 (커널 밀도)</source>
        <translation>Heat map (히트맵, kernel density)</translation>
    </message>
    <message>
        <source>히트맵 {} × {} 셀, 밴드 {}개, 반경 {} m: {}</source>
        <translation>Heat map {} × {} cells, {} band(s), radius {} m: {}</translation>
    </message>
</context>
<context>
    <name>LinkTaxLedger</name>
    <message>
        <source>HTML 보고서</source>
        <translation>HTML report</translation>
    </message>
    <message>
        <source>HTML 보고서(REPORT)를 주지 않아 QGIS 임시 폴더({})에 씁니다. QGIS를 닫으면 지워지니, 보관하려면 REPORT를 주세요.</source>
        <translation>No REPORT given: the HTML report goes to QGIS's temporary folder ({}), which QGIS removes when it closes. Give REPORT to keep it.</translation>
    </message>
    <message>
        <source>건물 (GIS건물통합정보)</source>
        <translation>Buildings (GIS건물통합정보)</translation>
    </message>
    <message>
        <source>재산세 과세대장(CSV: UTF-8 또는 CP949/EUC-KR, 또는 XLSX, 한글 머리글)을 연속지적도 필지(19자리 PNU)와 건물에 잇고, 모든 불일치를 코드, 심각도, 걸린 세액 추정과 함께 발견사항으로 만듭니다: BUILDING_NOT_TAXED(건축물 과세누락), PARCEL_NOT_TAXED, AREA_MISMATCH, USE_MISMATCH(건물 아래 나대지; 주거/상업), DUPLICATE_LEDGER, LEDGER_NO_PARCEL, LEDGER_NO_BUILDING, ADDRESS_UNRESOLVED, PNU_MALFORMED, PNU_NONSTANDARD.

PNU가 없는 과세대장 행은 지번 주소(경기도 김포시 월곶면 성동리 산 12-3, 사우동 123-4번지, 사우동 123)로 전국 법정동 코드표를 써서 놓습니다. 폐지된 이름은 경고와 함께 풀립니다. 모든 과세대장 행은 ledger_matched나 ledger_unmatched(사유 포함)에 남고, 로그가 그 개수를 보여 줍니다.

면적 허용오차: 과세대장 면적과 GIS 면적의 차이가 상대 허용오차와 절대 허용오차를 모두 넘으면 표시합니다(기본 15%와 15 m²: 연속지적도 면적은 등록 면적과 정확히 같지 않습니다).

출력: GeoPackage 하나에 parcels_tax, buildings_tax, findings(점검 목록), ledger_matched, ledger_unmatched, summary(스타일 포함)와 HTML 보고서. 납세자 이름과 주민등록번호는 SHOW_PERSONAL_DATA를 켜지 않으면 가립니다.

과세대장 머리글은 지방세 내보내기 어휘(resources/vocabulary)로 알아보고, 그 밖의 머리글은 COLUMN_MAP으로 지정합니다. 키:</source>
        <translation>Joins the property-tax ledger (재산세 과세대장: CSV in UTF-8 or CP949/EUC-KR, or XLSX, Korean headers) to the cadastral parcels (연속지적도, by the 19-digit PNU) and to the buildings, and turns every discrepancy into a finding with a code, a severity and an estimate of the tax at stake: BUILDING_NOT_TAXED, PARCEL_NOT_TAXED, AREA_MISMATCH, USE_MISMATCH (나대지 under a building; 주거/상업), DUPLICATE_LEDGER, LEDGER_NO_PARCEL, LEDGER_NO_BUILDING, ADDRESS_UNRESOLVED, PNU_MALFORMED, PNU_NONSTANDARD.

Ledger rows without a PNU are placed by their lot address using the national 법정동 code table; abolished names resolve with a warning. Every ledger row ends in ledger_matched or ledger_unmatched (with the reason): the log prints the counts that prove it.

Area tolerance: a row is flagged when the ledger area differs from the GIS area by more than the relative tolerance AND the absolute one (defaults 15 % and 15 m²: 연속지적도 areas are never exactly the registered ones).

Output: one GeoPackage with parcels_tax, buildings_tax, findings (the worklist), ledger_matched, ledger_unmatched and summary, styled, and an HTML report. Taxpayer names and resident numbers are masked unless SHOW_PERSONAL_DATA is set.

Ledger headers are recognised from the vocabulary of 지방세 exports (resources/vocabulary); COLUMN_MAP names the others. Keys (키):</translation>
    </message>
    <message>
        <source>필드: bld_id, pnu, use_code, total_floor_area ...</source>
        <translation>Fields: bld_id, pnu, use_code, total_floor_area ...</translation>
    </message>
    <message>
        <source>건물 레이어가 없어 건물 행을 놓을 수 없고 건물 점검도 하지 않습니다.</source>
        <translation>No building layer: building rows cannot be placed, no building checks.</translation>
    </message>
    <message>
        <source>건물별 과세 연계</source>
        <translation>buildings_tax</translation>
    </message>
    <message>
        <source>건축물대장 {}: 레코드 {}건(PNU 없음 {}건), 인코딩 {}</source>
        <translation>Building register {}: {} records ({} without a PNU), encoding {}</translation>
    </message>
    <message>
        <source>건축물대장 표제부 텍스트 (| 구분, CP949; 선택)</source>
        <translation>Building register 표제부 text export (건축물대장, pipe-separated, CP949; optional)</translation>
    </message>
    <message>
        <source>과세 점검 목록 (발견사항)</source>
        <translation>findings</translation>
    </message>
    <message>
        <source>과세대장 (*.csv *.txt *.xlsx);;모든 파일 (*)</source>
        <translation>Ledger (*.csv *.txt *.xlsx);;All files (*)</translation>
    </message>
    <message>
        <source>과세대장 {}: {}행, 인코딩 {}</source>
        <translation>Ledger {}: {} rows, encoding {}</translation>
    </message>
    <message>
        <source>과세대장 행 수</source>
        <translation>ledger_rows</translation>
    </message>
    <message>
        <source>과세대장 행: 읽음 {} = 연계 {} + 미연계 {}(사유 포함). 발견사항: {}건.</source>
        <translation>Ledger rows: {} read = {} matched + {} unmatched (with reason). Findings: {}.</translation>
    </message>
    <message>
        <source>과세대장에 행이 없습니다: 출력은 비어 있지만 올바릅니다.</source>
        <translation>The ledger has no rows: the outputs are empty but valid.</translation>
    </message>
    <message>
        <source>과세자료 연계 결과</source>
        <translation>Linkage result</translation>
    </message>
    <message>
        <source>과세자료 연계 요약</source>
        <translation>summary</translation>
    </message>
    <message>
        <source>납세자 이름과 주민등록번호를 가리지 않고 쓰기</source>
        <translation>Write taxpayer names and resident numbers unmasked</translation>
    </message>
    <message>
        <source>레코드는 PNU로 잇습니다(대지구분 0 대지 -&gt; PNU 자리 1, 1 산 -&gt; 2; 2 블록은 PNU가 없어 그 사유로 제외). 지도에 건물이 없고 과세대장에 건물 행도 없는 필지의 대장 건물은 BUILDING_NOT_TAXED로 보고합니다.</source>
        <translation>Records are joined by PNU (대지구분 0 대지 -&gt; PNU digit 1, 1 산 -&gt; 2; 2 블록 has no PNU and is rejected with that reason). A registered building on a parcel with no building on the map and no building row in the ledger is reported as BUILDING_NOT_TAXED.</translation>
    </message>
    <message>
        <source>면적 허용오차, 상대 (0.15 = 15%)</source>
        <translation>Area tolerance, relative (0.15 = 15 %)</translation>
    </message>
    <message>
        <source>면적 허용오차, 절대 (m²)</source>
        <translation>Area tolerance, absolute (m²)</translation>
    </message>
    <message>
        <source>발견사항 수</source>
        <translation>finding_count</translation>
    </message>
    <message>
        <source>비과세 지목 (지목 코드, 쉼표로 구분)</source>
        <translation>Non-taxable land categories (지목 codes, comma-separated)</translation>
    </message>
    <message>
        <source>비과세·감면 필지 (한 줄에 PNU 하나인 텍스트/CSV)</source>
        <translation>Exempt parcels (비과세·감면: a text/CSV file with one PNU per line)</translation>
    </message>
    <message>
        <source>비과세·감면 필지 목록 {}을(를) 읽을 수 없습니다: {}. 한 줄에 PNU 하나인 UTF-8 텍스트를 주세요.</source>
        <translation>Cannot read the exempt-parcel list {}: {}. Give a UTF-8 text file, one PNU per line.</translation>
    </message>
    <message>
        <source>엔진의 필드 이름을 파일의 머리글에 대응시킵니다. 예: {"pnu": "필지번호", "taxed_area": "면적"}.</source>
        <translation>Maps the engine's field names to your headers, e.g. {"pnu": "필지번호", "taxed_area": "면적"}.</translation>
    </message>
    <message>
        <source>연계 결과를 {}에 썼습니다; 보고서 {}</source>
        <translation>Linkage written to {}; report {}</translation>
    </message>
    <message>
        <source>연계되지 않은 과세대장</source>
        <translation>ledger_unmatched</translation>
    </message>
    <message>
        <source>연계되지 않은 행 수</source>
        <translation>unmatched</translation>
    </message>
    <message>
        <source>연계된 과세대장</source>
        <translation>ledger_matched</translation>
    </message>
    <message>
        <source>연계된 행 수</source>
        <translation>matched</translation>
    </message>
    <message>
        <source>열 대응표 (JSON 텍스트 또는 파일; 비우면 시의 내보내기 형식)</source>
        <translation>Column map (JSON text or file; empty: the city's export layout)</translation>
    </message>
    <message>
        <source>요청에 따라 개인정보를 가리지 않고 {}에 썼습니다.</source>
        <translation>Personal data written unmasked to {} as requested.</translation>
    </message>
    <message>
        <source>잘못된 도형을 고쳤습니다: 필지 {}개, 건물 {}개.</source>
        <translation>Repaired invalid geometries: {} parcels, {} buildings.</translation>
    </message>
    <message>
        <source>재산세 과세대장 (CSV 또는 XLSX)</source>
        <translation>Property-tax ledger (재산세 과세대장, CSV or XLSX)</translation>
    </message>
    <message>
        <source>재산세 과세자료 연계 (필지·건물)</source>
        <translation>Link tax ledger to parcels and buildings</translation>
    </message>
    <message>
        <source>취소되었습니다: 출력은 쓰지 않았습니다.</source>
        <translation>Cancelled: no output was written.</translation>
    </message>
    <message>
        <source>필지 (연속지적도, PNU 포함)</source>
        <translation>Parcels (연속지적도, with PNU)</translation>
    </message>
    <message>
        <source>필지·건물 파일의 좌표계 (파일에 없을 때만)</source>
        <translation>CRS of the parcel and building files (only when they have none)</translation>
    </message>
    <message>
        <source>필지별 과세 연계</source>
        <translation>parcels_tax</translation>
    </message>
</context>
<context>
    <name>PermitCheck</name>
    <message>
        <source>DEM을 주지 않아 모든 신청의 경사도 검토를 건너뜁니다.</source>
        <translation>No DEM given: the slope check is skipped for every application.</translation>
    </message>
    <message>
        <source>DEM의 좌표계가 {}입니다. {}로 주세요(gdal:warpreproject로 변환).</source>
        <translation>The DEM is in {}; give it in {} (warp it with gdal:warpreproject).</translation>
    </message>
    <message>
        <source>HTML 검토서</source>
        <translation>HTML reports</translation>
    </message>
    <message>
        <source>HTML 검토서 폴더</source>
        <translation>HTML reports folder</translation>
    </message>
    <message>
        <source>검토서 최대 쪽수</source>
        <translation>Most report pages to write</translation>
    </message>
    <message>
        <source>내장 표는 resources/rules/use_in_zone.csv(국토계획법 시행령 별표 2–22): 용도지역, 용도, 세부용도마다 한 행. 김포시 도시계획 조례가 정하는 행은 'gimpo' 열에 허용 또는 불허를 적습니다.</source>
        <translation>The bundled table is resources/rules/use_in_zone.csv (국토계획법 시행령 별표 2–22): one row per zone, use and 세부용도. Where the 김포시 도시계획 조례 decides, the 'gimpo' column says 허용 or 불허.</translation>
    </message>
    <message>
        <source>도로 (width_m 포함)</source>
        <translation>Roads (with width_m)</translation>
    </message>
    <message>
        <source>불허</source>
        <translation>not_permitted</translation>
    </message>
    <message>
        <source>수치표고모델 DEM (m)</source>
        <translation>DEM (metres)</translation>
    </message>
    <message>
        <source>신청 {}건: {}</source>
        <translation>{} applications: {}</translation>
    </message>
    <message>
        <source>신청 하나가 한 행; 대지는 pnu의 필지입니다.</source>
        <translation>One row per application; the site is the parcel with its pnu.</translation>
    </message>
    <message>
        <source>용도지역 (uq_code 필드)</source>
        <translation>Zoning (용도지역, field uq_code)</translation>
    </message>
    <message>
        <source>용도지역 한도 표 (CSV; 비우면 내장 표)</source>
        <translation>Zoning limits table (default: bundled zoning_limits.csv)</translation>
    </message>
    <message>
        <source>용도지역별 허용 용도 표 (CSV; 비우면 내장 표)</source>
        <translation>Use-in-zone table (CSV; empty: the bundled one)</translation>
    </message>
    <message>
        <source>인허가 검토</source>
        <translation>Permit check</translation>
    </message>
    <message>
        <source>인허가 검토 결과</source>
        <translation>Permit check result</translation>
    </message>
    <message>
        <source>인허가 검토 발견사항</source>
        <translation>Permit check findings</translation>
    </message>
    <message>
        <source>인허가 검토 판정</source>
        <translation>Verdicts</translation>
    </message>
    <message>
        <source>인허가 신청 (표 또는 레이어)</source>
        <translation>Permit applications (table or layer)</translation>
    </message>
    <message>
        <source>인허가 신청(건축허가 / 개발행위허가)마다 검토합니다: 그 용도를 그 용도지역에 지을 수 있는지(국토계획법 §76, 시행령 §71과 별표 2–22, 용도에 따르는 4층 이하와 바닥면적 한도 포함), 건폐율과 용적률(국가 상한보다 낮은 김포시 도시계획 조례 값), 중첩 규제, 도로 접도(건축법 §44; 도시지역과 지구단위계획구역 밖의 면에서는 건축법 §3②가 §44–47을 적용하지 않고 시의 진입도로 기준이 적용됨), 경사도(개발행위허가 평균경사도: 시가화·유보 용도 18°, 보전 용도 11°; 넘으면 도시계획위원회 심의).

대지가 여러 용도지역에 걸치면 국토계획법 §84를 따릅니다: 가장 작은 부분이 330 m² 이하이면 건폐율·용적률을 면적 가중하고 용도는 가장 큰 부분을 따릅니다; 아니면 각 부분이 자기 규칙을 따릅니다(어느 부분에 놓아도 맞는 신청은 통과).

판정: 허가 가능 / 불가 / 검토 필요(심의·협의, 또는 자료 보완). 모든 발견사항은 근거를 밝히고, 허가 가능한 신청은 통과한 기준을 나열합니다; 아직 원문과 대조하지 않은 조례 값도 판정에 쓰이며 요약에 조례 확인 필요라고 적습니다.

APPLICATIONS: application_id, pnu(또는 대지 면), permit_kind, proposed_use(건축법 시행령 별표 1 용도), 선택 use_detail(세부용도: 아파트, 다가구주택, 단란주점, 금속 주조업, 농업용 창고 ...; 세부용도, 용도, 층수 같은 한글 머리글도 받음), building_area, floor_area_above, floors, height, 선택 use_floor_area.

규칙 표: ZONING_RULES는 resources/rules/zoning_limits.csv를 대신합니다(UQ 코드별 건폐율, 용적률, 경사도; 김포 조례 값은 'ordinance' 단계 행에 넣고 확인하면 status를 gathered로). USE_RULES는 resources/rules/use_in_zone.csv를 대신합니다(용도지역, 용도, 세부용도마다 한 행; 김포시 도시계획 조례가 정하는 조례 행은 'gimpo' 열에 허용 또는 불허). 내장 파일을 복사해 고치고 그 경로를 주세요; 잘못된 행이 있는 표는 행 번호와 함께 거부됩니다.

출력: 'summary' 레이어(판정별 스타일; use_status, 별표가 있는 use_basis)와 'findings' 표가 있는 GeoPackage; REPORT_FOLDER를 주면 신청마다 지도가 있는 HTML 페이지(최대 MAX_REPORTS개).</source>
        <translation>Checks each permit application (건축허가 / 개발행위허가): may the use be built in the zone (국토계획법 §76, 시행령 §71 and 별표 2–22, with the 4층 이하 and floor-area limits that ride with the use), 건폐율 and 용적률 (김포시 도시계획 조례 values below the national maxima), restriction overlays, road access (건축법 §44; in a 면 outside 도시지역 and 지구단위계획구역 건축법 §3② lifts §44–47 and the city's 진입도로 rule applies) and slope (개발행위허가 평균경사도: 18° in 시가화·유보 용도, 11° in 보전 용도; over it is 도시계획위원회 심의).

A site across several zones follows 국토계획법 §84: if the smallest part is at most 330 m², ratios are area-weighted and the use follows the largest part; otherwise each part keeps its own rules (a proposal that fits every part wherever it is placed passes).

Verdicts: 허가 가능 / 불가 / 검토 필요 (심의·협의, or 자료 보완). Every finding cites its basis; a permitted application lists the criteria it passed; 조례 values not yet checked against the text still decide and the summary says 조례 확인 필요.

APPLICATIONS: application_id, pnu (or a site polygon), permit_kind, proposed_use (건축법 시행령 별표 1 용도), optional use_detail (세부용도: 아파트, 다가구주택, 단란주점, 금속 주조업, 농업용 창고 ...; Korean headers such as 세부용도, 용도, 층수 are accepted), building_area, floor_area_above, floors, height, optional use_floor_area.

Rule tables: ZONING_RULES replaces resources/rules/zoning_limits.csv (coverage, floor area ratio and slope per UQ code; put the 김포 조례 value in the 'ordinance' tier rows with status gathered once checked) and USE_RULES replaces resources/rules/use_in_zone.csv (one row per zone, use and 세부용도; fill the 'gimpo' column with 허용 or 불허 where the 김포시 도시계획 조례 decides a 조례 line). Copy the bundled file, edit it, and give its path; a table with a bad row is refused with the row number.

Output: a GeoPackage with the 'summary' layer (styled by verdict; use_status, use_basis with the 별표) and the 'findings' table; with a REPORT_FOLDER, an HTML page per application (up to MAX_REPORTS) with a map.</translation>
    </message>
    <message>
        <source>자료 부족</source>
        <translation>insufficient_data</translation>
    </message>
    <message>
        <source>조건부</source>
        <translation>conditional</translation>
    </message>
    <message>
        <source>중첩 규제 (kind, subkind, max_height_m 필드)</source>
        <translation>Overlays (fields kind, subkind, max_height_m)</translation>
    </message>
    <message>
        <source>취소되었습니다: 출력은 쓰지 않았습니다.</source>
        <translation>Cancelled: no output was written.</translation>
    </message>
    <message>
        <source>필지 (연속지적도, PNU 포함)</source>
        <translation>Parcels (연속지적도, with PNU)</translation>
    </message>
    <message>
        <source>허가</source>
        <translation>permitted</translation>
    </message>
</context>
<context>
    <name>PolicyMap</name>
    <message>
        <source>k 최근접 이웃</source>
        <translation>k nearest</translation>
    </message>
    <message>
        <source>z-점수</source>
        <translation>zscore</translation>
    </message>
    <message>
        <source>거리대</source>
        <translation>distance band</translation>
    </message>
    <message>
        <source>거리대 (m)</source>
        <translation>Distance band (m)</translation>
    </message>
    <message>
        <source>거짓 발견율 (ALPHA)</source>
        <translation>False discovery rate</translation>
    </message>
    <message>
        <source>요약 (HTML)</source>
        <translation>Summary (HTML)</translation>
    </message>
    <message>
        <source>우선순위 등급 수</source>
        <translation>Priority classes</translation>
    </message>
    <message>
        <source>유사 p-값 순열 횟수 (0: 정규 근사)</source>
        <translation>Permutations for pseudo p-values (0: normal approximation)</translation>
    </message>
    <message>
        <source>이웃 정의</source>
        <translation>Neighbours</translation>
    </message>
    <message>
        <source>정규화</source>
        <translation>Normalisation</translation>
    </message>
    <message>
        <source>정책지도</source>
        <translation>Policy map</translation>
    </message>
    <message>
        <source>정책지도 우선순위</source>
        <translation>Policy map priority</translation>
    </message>
    <message>
        <source>정책지도 핫스팟 (Gi*)</source>
        <translation>Policy map hot spots (Gi*)</translation>
    </message>
    <message>
        <source>정책지도: 한 레이어의 지역을 여러 지표 필드(예: 주민 1,000명당 민원, 체납액, 노후·과세누락 건물 비율)로 순위를 매깁니다.

지표(INDICATORS): 필드:방향:가중치를 ';'로 구분, 예 'complaints_per_1000:+:2;arrears_amount:+:1;population:-:0.5'. 방향 +는 값이 높을수록 더 살펴야 함, −는 그 반대입니다. 각 지표를 정규화(z-점수 또는 최소–최대)하고 가중 평균을 점수로 하여 PRIORITY_CLASSES개 분위 등급으로 나눕니다(1순위 = 가장 높음).

핫스팟: 점수의 Getis-Ord Gi*를 K개 최근접 이웃 또는 거리대(DISTANCE, m)로 구하고, 양측 p-값과 Benjamini-Hochberg 거짓 발견율(ALPHA)로 유의한 핫스팟·콜드스팟을 표시합니다. PERMUTATIONS &gt; 0(예: 999)이면 정규성을 가정하지 않는 조건부 순열 유사 p-값을 씁니다(치우친 건수에 더 알맞음). 난수는 고정되어 같은 실행은 같은 결과를 냅니다.

출력: GeoPackage에 'policy_map'(우선순위 스타일), 'hotspots'(핫/콜드 스타일), 'policy_indicators'(지표별 가중치와 통계), 'policy_method'; 방법 설명은 레이어 설명에도 들어갑니다. OUTPUT_HTML: 요약 페이지.</source>
        <translation>정책지도: ranks the areas of one layer by several indicator fields (e.g. complaints per 1,000 residents, arrears, share of old or untaxed buildings).

INDICATORS: field:direction:weight separated by ';', e.g. 'complaints_per_1000:+:2;arrears_amount:+:1;population:-:0.5'. Direction + means a high value needs more attention, − less. Each is normalised (z-score or min–max), the weighted mean is the score, and the score is cut into PRIORITY_CLASSES quantile classes (1순위 = highest).

Hot spots: Getis-Ord Gi* of the score with K nearest neighbours or a DISTANCE band (m), two-sided p-values and the Benjamini-Hochberg false discovery rate at ALPHA: significant hot and cold spots are marked. p-values are normal unless PERMUTATIONS &gt; 0 (e.g. 999): then pseudo p-values by conditional permutation, which do not assume normality (better for skewed counts); the draws are seeded, so a run repeats exactly.

OUTPUT: GeoPackage with 'policy_map' (styled by priority), 'hotspots' (styled hot/cold), 'policy_indicators' (the indicator table with weights and statistics) and 'policy_method'; the method is also the layer's description. OUTPUT_HTML: a summary page.</translation>
    </message>
    <message>
        <source>지역 {}곳 점수 계산; 핫스팟 {}곳, 콜드스팟 {}곳</source>
        <translation>{} areas scored; {} hot spots, {} cold spots</translation>
    </message>
    <message>
        <source>지표 (필드:+/-:가중치; ...)</source>
        <translation>Indicators (field:+/-:weight; ...)</translation>
    </message>
    <message>
        <source>지표 필드가 있는 지역</source>
        <translation>Areas with indicator fields</translation>
    </message>
    <message>
        <source>최근접 이웃 수 (k)</source>
        <translation>k nearest neighbours</translation>
    </message>
    <message>
        <source>최소–최대</source>
        <translation>minmax</translation>
    </message>
    <message>
        <source>취소되었습니다: 출력은 쓰지 않았습니다.</source>
        <translation>Cancelled: no output was written.</translation>
    </message>
    <message>
        <source>콜드스팟 수</source>
        <translation>Cold spots</translation>
    </message>
    <message>
        <source>핫스팟 분석 (Gi*)</source>
        <translation>Hot-spot analysis (Gi*)</translation>
    </message>
    <message>
        <source>핫스팟 수</source>
        <translation>Hot spots</translation>
    </message>
</context>
<context>
    <name>PublishToDatabase</name>
    <message>
        <source>GeoPackage의 모든 레이어(예: 예제 도시)와 더 추가한 레이어(부서의 셰이프파일)를 시의 PostgreSQL/PostGIS 데이터베이스(통합DB)의 한 스키마에 올려, 모든 부서가 같은 자료를 엽니다.

레이어마다 EPSG:5186 테이블이 되며 기본키(fid), 공간 인덱스, 스타일(QGIS layer_styles 테이블의 기본 스타일)을 갖습니다: 동료가 QGIS에서 테이블을 추가하면 스타일이 적용되어 보입니다. 같은 이름의 테이블은 바꿉니다. 게시 전체가 한 트랜잭션이라 오류(또는 취소) 때는 데이터베이스가 그대로 남습니다.

DATABASE: QGIS에 저장된 PostgreSQL 연결, 또는(qgis_process에서) postgresql://사용자@호스트:5432/gimpo 나 PG:dbname=gimpo host=... 같은 URI. 비밀번호는 로그와 결과에 남지 않습니다. SCHEMA: 없으면 만듭니다.</source>
        <translation>Loads every layer of a GeoPackage (for example the sample city), and any other layers you add (an office's shapefiles), into one schema of the city's PostgreSQL/PostGIS database (통합DB), so every department opens the same data.

Each layer becomes a table in EPSG:5186 with a primary key (fid), a spatial index, and its style stored as the table's default in QGIS's layer_styles table: colleagues who add the table in QGIS see it styled. Tables of the same names are replaced; the whole publish happens in one transaction, so on any error (or cancel) the database stays exactly as it was.

DATABASE: a saved QGIS PostgreSQL connection, or (for qgis_process) a URI such as postgresql://user:password@host:5432/gimpo or PG:dbname=gimpo host=... . SCHEMA: created when missing.</translation>
    </message>
    <message>
        <source>QGIS에 저장된 PostgreSQL 연결; qgis_process에서는 URI도 됩니다.</source>
        <translation>A saved QGIS PostgreSQL connection; qgis_process also accepts a URI.</translation>
    </message>
    <message>
        <source>게시할 GeoPackage (또는 다른 벡터 파일)</source>
        <translation>GeoPackage (or other vector file) to publish</translation>
    </message>
    <message>
        <source>게시할 것이 없습니다: GeoPackage(INPUT)나 추가 레이어(LAYERS)를 주세요.</source>
        <translation>Nothing to publish: give a GeoPackage (INPUT) or LAYERS.</translation>
    </message>
    <message>
        <source>데이터베이스 (PostgreSQL 연결 또는 URI)</source>
        <translation>Database (PostgreSQL connection or URI)</translation>
    </message>
    <message>
        <source>데이터베이스 (비밀번호 없이)</source>
        <translation>Database (without password)</translation>
    </message>
    <message>
        <source>레이어 이름 그대로, 현재 스타일과 함께 게시합니다.</source>
        <translation>Published under their layer names, with their current style.</translation>
    </message>
    <message>
        <source>벡터 파일 (*.gpkg *.shp *.geojson *.json *.fgb);;모든 파일 (*)</source>
        <translation>Vector files (*.gpkg *.shp *.geojson *.json *.fgb);;All files (*)</translation>
    </message>
    <message>
        <source>스키마</source>
        <translation>Schema</translation>
    </message>
    <message>
        <source>쓴 테이블 (쉼표로 구분)</source>
        <translation>Tables written (comma-separated)</translation>
    </message>
    <message>
        <source>쓴 행 수</source>
        <translation>Rows written</translation>
    </message>
    <message>
        <source>안의 모든 레이어와 테이블을 내장 스타일과 함께 게시합니다.</source>
        <translation>Every layer and table in it is published, with its embedded style.</translation>
    </message>
    <message>
        <source>없으면 만듭니다. 같은 이름의 테이블은 바꿉니다.</source>
        <translation>Created if it does not exist. Tables of the same names in it are replaced.</translation>
    </message>
    <message>
        <source>추가 레이어</source>
        <translation>Additional layers</translation>
    </message>
    <message>
        <source>취소되었습니다: 출력은 쓰지 않았습니다.</source>
        <translation>Cancelled: no output was written.</translation>
    </message>
    <message>
        <source>테이블 {}개({}행, 스타일 {}개)를 {}, 스키마 {}에 게시했습니다</source>
        <translation>Published {} tables ({} rows, {} styled) to {}, schema {}</translation>
    </message>
    <message>
        <source>통합DB 게시</source>
        <translation>Publish to the integrated database (통합DB 게시)</translation>
    </message>
</context>
<context>
    <name>StatisticalMap</name>
    <message>
        <source>값 또는 가중치 필드</source>
        <translation>Value or weight field</translation>
    </message>
    <message>
        <source>값 필드 이름</source>
        <translation>Name of the value field</translation>
    </message>
    <message>
        <source>건수</source>
        <translation>count</translation>
    </message>
    <message>
        <source>격자 크기 (m)</source>
        <translation>Grid cell size (m)</translation>
    </message>
    <message>
        <source>다른 이름(예: arrears_amount)을 주면 n_&lt;이름&gt;, &lt;이름&gt;, &lt;이름&gt;_class, &lt;이름&gt;_label 필드가 생겨, 여러 통계지도를 한 지역 레이어에 쌓아 정책지도(gimpo:policymap)의 지표로 쓸 수 있습니다.</source>
        <translation>Another name (e.g. arrears_amount) adds the fields n_&lt;name&gt;, &lt;name&gt;, &lt;name&gt;_class, &lt;name&gt;_label, so several maps can be stacked on one area layer as indicators for gimpo:policymap.</translation>
    </message>
    <message>
        <source>등간격</source>
        <translation>equal_interval</translation>
    </message>
    <message>
        <source>등급 수</source>
        <translation>Classes</translation>
    </message>
    <message>
        <source>레코드가 없는 격자도 남기기</source>
        <translation>Keep grid cells without records</translation>
    </message>
    <message>
        <source>밀도 (km²당)</source>
        <translation>density</translation>
    </message>
    <message>
        <source>보기 좋은 구간 (pretty)</source>
        <translation>pretty</translation>
    </message>
    <message>
        <source>분류 방법</source>
        <translation>Classification</translation>
    </message>
    <message>
        <source>분위수</source>
        <translation>quantile</translation>
    </message>
    <message>
        <source>비율 (주민 1,000명당)</source>
        <translation>rate</translation>
    </message>
    <message>
        <source>육각형 격자</source>
        <translation>hexagons</translation>
    </message>
    <message>
        <source>인구 레이어 (비율)</source>
        <translation>Population layer (rate)</translation>
    </message>
    <message>
        <source>인구 레이어의 인구 필드</source>
        <translation>Population field of the population layer</translation>
    </message>
    <message>
        <source>자연적 구분 (Jenks)</source>
        <translation>jenks</translation>
    </message>
    <message>
        <source>정사각 격자</source>
        <translation>square grid</translation>
    </message>
    <message>
        <source>제외 레코드 수</source>
        <translation>Rejected records</translation>
    </message>
    <message>
        <source>중앙값</source>
        <translation>median</translation>
    </message>
    <message>
        <source>지역 (행정동, 법정동 ...)</source>
        <translation>Areas</translation>
    </message>
    <message>
        <source>지역 {}곳, {}개 등급({}), 경계값 {}, 분산 적합도(GVF) {:.3f}</source>
        <translation>{} areas, {} classes ({}), breaks {}, goodness of variance fit {:.3f}</translation>
    </message>
    <message>
        <source>지역 단위</source>
        <translation>Areas from</translation>
    </message>
    <message>
        <source>지역 레이어</source>
        <translation>the area layer</translation>
    </message>
    <message>
        <source>지역 수</source>
        <translation>Areas</translation>
    </message>
    <message>
        <source>지역의 인구 필드 (비율)</source>
        <translation>Population field of the areas (rate)</translation>
    </message>
    <message>
        <source>집계할 레코드</source>
        <translation>Records to aggregate</translation>
    </message>
    <message>
        <source>취소되었습니다: 출력은 쓰지 않았습니다.</source>
        <translation>Cancelled: no output was written.</translation>
    </message>
    <message>
        <source>통계</source>
        <translation>Statistic</translation>
    </message>
    <message>
        <source>통계지도</source>
        <translation>Statistical map</translation>
    </message>
    <message>
        <source>통계지도 제외 레코드</source>
        <translation>Statistical map rejected records</translation>
    </message>
    <message>
        <source>통계지도: 점(민원, 체납 ...)이나 필지·건물의 속성을 지역으로 모아 단계구분합니다. 지역은 면 레이어(행정동, 법정동 등)이거나 CELL_SIZE 미터의 정사각 격자/육각형입니다.

통계(STATISTIC): 건수, 합계, 평균, 중앙값(FIELD의 값), km²당 밀도, 주민 1,000명당 비율(지역 레이어의 POPULATION_FIELD 또는 면적 비례로 나눈 POPULATION_LAYER의 인구). 건수·밀도·비율에서 FIELD는 선택 가중치입니다.

분류(METHOD): 자연적 구분(Jenks, 정확해), 분위수, 등간격, 표준편차, 보기 좋은 구간(pretty); CLASSES개 등급(값이 허락하지 않으면 더 적게: 값이 모두 같으면 한 등급).

출력: GeoPackage에 'statistical_map' 레이어(n_records, value, class, class_label; 범례 스타일), 'classes', 'rejects'(어느 지역에도 들지 않거나 값이 없는 레코드와 사유). 경계 위의 점은 native:countpointsinpolygon처럼 양쪽 지역에 모두 셉니다.</source>
        <translation>통계지도: aggregates points or the attributes of parcels and buildings into areas — a polygon layer (행정동, 법정동, any) or a generated square grid / hexagons of CELL_SIZE metres — and classifies the result.

STATISTIC: count, sum, mean, median (of FIELD), density per km², rate per 1,000 residents (population from POPULATION_FIELD of the area layer, or POPULATION_LAYER apportioned by area). For count, density and rate, FIELD is an optional weight.

METHOD: natural breaks (Jenks, exact), quantile, equal interval, standard deviation, pretty; CLASSES classes (fewer when the values do not allow more: all values equal gives one class).

OUTPUT: a GeoPackage with the layer 'statistical_map' (n_records, value, class, class_label; styled with a legend), 'classes' and 'rejects' (records in no area or without a value, with the reason). Points on a border count in both areas, as in native:countpointsinpolygon.</translation>
    </message>
    <message>
        <source>평균</source>
        <translation>mean</translation>
    </message>
    <message>
        <source>표준편차</source>
        <translation>stddev</translation>
    </message>
    <message>
        <source>합계</source>
        <translation>sum</translation>
    </message>
</context>
<context>
    <name>ValveIsolation</name>
    <message>
        <source>건물</source>
        <translation>Buildings</translation>
    </message>
    <message>
        <source>건물 ID 필드 (wtl_meta_ps.bld_id와 같은 값)</source>
        <translation>Building id field (matches wtl_meta_ps.bld_id)</translation>
    </message>
    <message>
        <source>급수전이 없는 건물의 급수 추정 거리 (m)</source>
        <translation>Service buffer for buildings without a service connection (m)</translation>
    </message>
    <message>
        <source>단수 건물</source>
        <translation>buildings without water</translation>
    </message>
    <message>
        <source>단수 건물 수</source>
        <translation>Buildings without water</translation>
    </message>
    <message>
        <source>단수 계획</source>
        <translation>Shut-off plan</translation>
    </message>
    <message>
        <source>단수 사유 (안내문)</source>
        <translation>Reason (notice)</translation>
    </message>
    <message>
        <source>단수 시작 (안내문; 비우면 즉시)</source>
        <translation>Start of the interruption (notice; empty: 즉시)</translation>
    </message>
    <message>
        <source>단수 종료 (안내문; 비우면 복구 완료 시까지)</source>
        <translation>Until (notice; empty: 복구 완료 시까지)</translation>
    </message>
    <message>
        <source>단수: 격리 관로</source>
        <translation>isolated pipes</translation>
    </message>
    <message>
        <source>단수: 급수 끊기는 관로</source>
        <translation>cut-off pipes</translation>
    </message>
    <message>
        <source>단수: 닫을 밸브</source>
        <translation>valves to close</translation>
    </message>
    <message>
        <source>단수: 쓸 수 없는 소화전</source>
        <translation>hydrants out of service</translation>
    </message>
    <message>
        <source>단수: 이미 닫힌 밸브</source>
        <translation>valves already closed</translation>
    </message>
    <message>
        <source>단수: 조작 불가 밸브</source>
        <translation>valves failed</translation>
    </message>
    <message>
        <source>닫을 밸브 {}개, 조작불가로 확장 {}개, 단수 건물 {}동 ({:,.0f}세대); 안내문 {}</source>
        <translation>{} valves to close, {} added for inoperable valves, {} buildings without water ({:,.0f} households); notice {}</translation>
    </message>
    <message>
        <source>닫을 밸브 수</source>
        <translation>Number of valves to close</translation>
    </message>
    <message>
        <source>문의처 (안내문; 비우면 관로 관리기관)</source>
        <translation>Contact (notice; empty: the mains' agency)</translation>
    </message>
    <message>
        <source>밸브에서 관로까지 최대 거리 (m)</source>
        <translation>Largest distance from a valve to its main (m)</translation>
    </message>
    <message>
        <source>상수관로 파손 단수 계획</source>
        <translation>Water-main break: valves to close (상수관로 파손 단수 계획)</translation>
    </message>
    <message>
        <source>상수관로 파손 지점</source>
        <translation>breaks</translation>
    </message>
    <message>
        <source>세대수 필드</source>
        <translation>Households (세대수) field</translation>
    </message>
    <message>
        <source>시설물 저장소 (GeoPackage 또는 PostGIS 스키마)</source>
        <translation>Facility store (GeoPackage or PostGIS schema)</translation>
    </message>
    <message>
        <source>시설물 저장소의 상수관로 위 파손 지점(하나 이상, 또는 굴착 면)마다: 닫을 밸브를 순서대로(깊이와 ID 포함), 격리되는 관로, 모든 급수원에서 끊기는 관로(하류도 물이 끊깁니다), 물이 끊기는 건물과 세대, 쓸 수 없게 되는 소화전, 그리고 작업반의 밸브 조작표가 붙은 주민 단수 안내문을 냅니다.

상수관로(wtl_pipe_lm)는 모든 밸브와 접합점에서 나뉘어 그래프가 됩니다(스냅 허용거리보다 가까운 끝점은 한 접합점; 지도에서 교차만 하는 관로는 이어지지 않음). 격리 구역은 닫을 수 있는 밸브로 둘러싸입니다: 조작 불가로 기록된 밸브(valve_ps.opr_yn N/불가/고장/매몰)나 FAILED_VALVES에 적은 밸브(현장에서 안 돌아감)는 닫을 수 없어 구역이 다음 고리까지 커지고 조작표가 그 밸브를 적습니다. 이미 닫힌 밸브(off_cde 닫힘/폐/closed)는 그대로 경계가 되고, 상태가 없는 밸브는 열린 것으로 봅니다. 너머에 급수원이 남지 않는 경계 밸브는 닫을 필요가 없고, 그쪽은 끊기는 관로로 나열됩니다.

급수원은 wtl_serv_ps(배수지, 가압장, 인입점)입니다; 없으면 관망마다 가장 큰 관로를 인입점으로 보고 요약에 그렇게 적습니다. 건물은 급수전(wtl_meta_ps: bld_id, 가구수 hom_cnt, 관로 pip_idn)에서 옵니다; 급수전이 없는 BUILDINGS의 건물은 SERVICE_BUFFER 안의 가장 가까운 관로에서 급수받는 것으로 보고 추정으로 표시합니다. 소화전은 wtl_fire_ps입니다.

출력: GeoPackage에 valves_to_close, valves_not_needed, valves_failed, valves_already_closed, isolated_pipes, cut_off_pipes, buildings_without_water, hydrants_out_of_service, breaks, summary, data_issues, rejects; 그리고 안내문(HTML).</source>
        <translation>For one or more break points (or a dig polygon) on the water mains of the facility store: the valves to close, in order, with their depth and id; the pipes isolated; the pipes cut off from every feeding point (downstream, they lose water too); the buildings and 세대 without water; the hydrants out of service; and a notice for residents (단수 안내) with the crew's shut-off sheet.

The water mains (wtl_pipe_lm) are split at every valve and junction into a graph (ends closer than the snap tolerance are one junction; pipes that only cross on the map are not connected). The isolated area is bounded by the valves that can be closed: a valve recorded as inoperable (valve_ps.opr_yn N/불가/고장/매몰) or named in FAILED_VALVES (stuck on site) cannot, so the area grows to the next ring and the sheet names that valve. Valves already closed (off_cde 닫힘/폐/closed) bound the area untouched; a valve without a state is taken as open. A boundary valve beyond which no feeding point remains need not be closed: that side is cut off and listed.

Feeding points are wtl_serv_ps (배수지, 가압장, 인입점); without any, each network's largest main is taken as its inlet, and the summary says so. Buildings come from service connections (wtl_meta_ps: bld_id, 가구수 hom_cnt, 관로 pip_idn); a building of BUILDINGS without one is taken as fed by the nearest main within SERVICE_BUFFER, marked as estimated. Hydrants are wtl_fire_ps.

Output: a GeoPackage with valves_to_close, valves_not_needed, valves_failed, valves_already_closed, isolated_pipes, cut_off_pipes, buildings_without_water, hydrants_out_of_service, breaks, summary, data_issues and rejects; and the notice (HTML).</translation>
    </message>
    <message>
        <source>이보다 가까운 관로 끝점은 한 접합점 (m)</source>
        <translation>Pipe ends closer than this are one junction (m)</translation>
    </message>
    <message>
        <source>주민 단수 안내문 (HTML)</source>
        <translation>Notice for residents (HTML)</translation>
    </message>
    <message>
        <source>지하시설물 표준 레이어(wtl_pipe_lm 상수관로, swl_pipe_lm 하수관로, gas_pipe_lm 가스관 ...)를 담은 곳.</source>
        <translation>Holds the standard buried-facility layers (wtl_pipe_lm water, swl_pipe_lm sewer, gas_pipe_lm gas ...).</translation>
    </message>
    <message>
        <source>파손 지점 (점, 또는 굴착 면)</source>
        <translation>Break points or dig polygons (파손 지점)</translation>
    </message>
    <message>
        <source>파손 지점 ID 필드</source>
        <translation>Break id field</translation>
    </message>
    <message>
        <source>파손 지점에서 관로까지 최대 거리 (m)</source>
        <translation>Largest distance from a break to its main (m)</translation>
    </message>
    <message>
        <source>현장에서 조작되지 않은 밸브 (ID, 쉼표로 구분)</source>
        <translation>Valves that failed on site (ids, comma-separated)</translation>
    </message>
</context>
</TS>
