<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ko_KR" sourcelanguage="en">
<context>
    <name>GimpoGis</name>
    <message>
        <source>Gimpo GIS</source>
        <translation>김포 GIS</translation>
    </message>
    <message>
        <source>Parcel inspector</source>
        <translation>필지 조회</translation>
    </message>
    <message>
        <source>Parcel inspector: click a parcel to see its ledger, buildings and findings</source>
        <translation>필지 조회: 지도에서 필지를 클릭하면 과세대장·건축물·발견사항을 봅니다</translation>
    </message>
    <message>
        <source>PNU or address, e.g. 사우동 123-4</source>
        <translation>PNU 또는 주소 (예: 사우동 123-4)</translation>
    </message>
    <message>
        <source>Search</source>
        <translation>검색</translation>
    </message>
    <message>
        <source>Click a parcel on the map with the parcel inspector tool.</source>
        <translation>필지 조회 도구로 지도에서 필지를 클릭하세요.</translation>
    </message>
    <message>
        <source>Export statement (HTML/PDF)…</source>
        <translation>필지 조서 내보내기 (HTML/PDF)…</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>설정</translation>
    </message>
    <message>
        <source>Parcel layer</source>
        <translation>필지 레이어</translation>
    </message>
    <message>
        <source>Building layer</source>
        <translation>건물 레이어</translation>
    </message>
    <message>
        <source>Tax ledger file</source>
        <translation>과세대장 파일</translation>
    </message>
    <message>
        <source>Show personal data (audited)</source>
        <translation>개인정보 표시 (접근기록 남김)</translation>
    </message>
    <message>
        <source>No parcel layer (polygons with a PNU field) is loaded.</source>
        <translation>필지 레이어(PNU 필드가 있는 폴리곤)가 없습니다.</translation>
    </message>
    <message>
        <source>Ready: {count} parcels. Click a parcel or search.</source>
        <translation>준비됨: 필지 {count}개. 필지를 클릭하거나 검색하세요.</translation>
    </message>
    <message>
        <source>The parcel layer is not a gimpo:linktaxledger output.</source>
        <translation>필지 레이어가 gimpo:linktaxledger(과세대장 연계) 결과가 아닙니다.</translation>
    </message>
    <message>
        <source>Pick a building layer and a tax ledger file in the panel's settings, or load the linkage output.</source>
        <translation>패널 설정에서 건물 레이어와 과세대장 파일을 선택하거나, 연계 결과를 불러오세요.</translation>
    </message>
    <message>
        <source>No parcel at this point.</source>
        <translation>이 위치에는 필지가 없습니다.</translation>
    </message>
    <message>
        <source>No parcel is shown: click or search a parcel first.</source>
        <translation>표시된 필지가 없습니다: 먼저 필지를 클릭하거나 검색하세요.</translation>
    </message>
    <message>
        <source>Export parcel statement</source>
        <translation>필지 조서 내보내기</translation>
    </message>
    <message>
        <source>Statement written to {path}</source>
        <translation>필지 조서를 저장했습니다: {path}</translation>
    </message>
</context>
</TS>
