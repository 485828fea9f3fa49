"""`make screenshots`: a gallery of what an officer sees, taken from the real QGIS desktop, in out/screenshots/.

1. the demo (out/gimpo_demo.qgz) is built first when it is missing (``make demo``);
2. QGIS is started under a private X server (Xvfb) with the project and the project's profile, and
   tests/e2e/qgis_desktop_day.py presses the 필지 조회 button, clicks a parcel, searches, prints the PDF
   statement, opens the unmasking dialog and the 세무 menu, saving each view as a PNG;
3. page 1 of that PDF is rendered with pdftoppm (poppler-utils), and out/report.html with QtWebKit
   (the engine QGIS itself uses for HTML), top and figures;
4. out/screenshots/index.html lists the pictures with what each shows.
"""

from __future__ import annotations

import html
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "out"
SHOTS = OUT / "screenshots"
CAPTIONS = {
    "qgis_window.png": "QGIS 데스크톱: 데모 프로젝트, 필지를 클릭한 뒤 (필지 조회 도크, Processing 도구상자와 탭)",
    "inspector_dock.png": "필지 조회 도크: 조회 레이어, 필지 조서, 감사기록 위치",
    "qgis_after_search.png": "PNU 검색 후: 필지를 가운데, 주변 필지와 함께 (1:1,200)",
    "unmask_dialog.png": "개인정보 표시: 사유와 확인 (이번 세션만)",
    "menu_tax.png": "김포 GIS 메뉴 › 세무",
    "statement_page1.png": "필지 조서 PDF 1쪽 (A4, 실제 축척 지도)",
    "report_top.png": "데모 보고서 (report.html) 첫 화면",
    "report_figures.png": "데모 보고서: 연계 결과 표",
}


def ensure_demo() -> Path:
    project = OUT / "gimpo_demo.qgz"
    if not project.is_file():
        subprocess.run([sys.executable, str(ROOT / "scripts" / "demo.py")], check=True)
    return project


def desktop_day(project: Path) -> dict:
    profile = SHOTS / "profile"
    shutil.rmtree(profile, ignore_errors=True)
    shutil.copytree(ROOT / "build" / "qgis-profile", profile, symlinks=True)
    env = {k: v for k, v in os.environ.items() if k not in ("QGIS_CUSTOM_CONFIG_PATH", "QGIS_OPTIONS_PATH")}
    env.update(QT_QPA_PLATFORM="xcb", GIMPO_DAY_OUT=str(SHOTS), GIMPO_DAY_TIMEOUT="180")
    command = ["qgis", "--nologo", "--noversioncheck", "--profiles-path", str(profile)]
    command += ["--project", str(project), "--code", str(ROOT / "tests" / "e2e" / "qgis_desktop_day.py")]
    xvfb = ["xvfb-run", "-a", "-s", "-screen 0 1600x1000x24"]
    subprocess.run(xvfb + command, env=env, check=True, timeout=300, stdin=subprocess.DEVNULL)
    shutil.rmtree(profile, ignore_errors=True)
    results = json.loads((SHOTS / "results.json").read_text(encoding="utf-8"))
    if not results.get("done"):
        raise SystemExit("the desktop day failed:\n" + "\n".join(results.get("errors", [])))
    return results


def pdf_page(pdf: Path) -> None:
    stem = SHOTS / "statement_page"
    subprocess.run(["pdftoppm", "-r", "110", "-f", "1", "-l", "1", "-png", str(pdf), str(stem)], check=True)
    rendered = next(SHOTS.glob("statement_page*.png"))
    rendered.replace(SHOTS / "statement_page1.png")


def report_pictures() -> None:
    """The demo report as a browser shows it (Debian's headless Chromium; QtWebKit is gone in Qt6)."""
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        print("[screenshots] chromium is not installed: report pictures skipped", flush=True)
        return
    report = OUT / "report.html"
    scrolled = OUT / ".report_figures.html"  # beside the report, so its pictures resolve
    scrolled.write_text(
        report.read_text(encoding="utf-8").replace(
            "</body>",
            "<script>addEventListener('load',()=>document.querySelector('table.figures')"
            "?.scrollIntoView({block:'center'}))</script></body>",
        ),
        encoding="utf-8",
    )
    try:
        for page, name in ((report, "report_top.png"), (scrolled, "report_figures.png")):
            with tempfile.TemporaryDirectory() as profile:
                subprocess.run(
                    [
                        browser,
                        "--headless",
                        "--no-sandbox",
                        "--disable-gpu",
                        "--disable-background-networking",
                        "--disable-component-update",
                        "--disable-sync",
                        "--no-first-run",
                        f"--user-data-dir={profile}",
                        "--hide-scrollbars",
                        "--window-size=1200,1400",
                        "--virtual-time-budget=5000",
                        f"--screenshot={SHOTS / name}",
                        page.as_uri(),
                    ],
                    check=True,
                    capture_output=True,
                    timeout=120,
                )
    finally:
        scrolled.unlink(missing_ok=True)


def gallery() -> Path:
    items = "".join(
        f"<figure><img src='{name}'><figcaption>{html.escape(caption)}</figcaption></figure>"
        for name, caption in CAPTIONS.items()
        if (SHOTS / name).is_file()
    )
    index = SHOTS / "index.html"
    index.write_text(
        "<!DOCTYPE html><html lang='ko'><head><meta charset='utf-8'><title>김포 GIS 화면 모음</title>"
        "<style>body{font-family:NanumGothic,sans-serif;margin:2em}img{max-width:100%;border:1px solid #ccc}"
        "figure{margin:0 0 2em}</style></head><body><h1>김포 GIS 화면 모음 (make screenshots)</h1>"
        f"{items}</body></html>",
        encoding="utf-8",
    )
    return index


def main() -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    for old in SHOTS.glob("*.png"):
        old.unlink()
    project = ensure_demo()
    results = desktop_day(project)
    pdf_page(Path(results["pdf"]))
    report_pictures()
    print(f"[screenshots] {gallery()}")
    for name in CAPTIONS:
        if (SHOTS / name).is_file():
            print(f"[screenshots]   {name}: {CAPTIONS[name]}")


if __name__ == "__main__":
    main()
