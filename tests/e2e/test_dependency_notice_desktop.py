"""The missing-package message bar in the real QGIS desktop under Xvfb; a screenshot is kept as an artifact."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from tests.e2e.test_demo_project import x_display  # noqa: F401 - the shared Xvfb fixture

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = Path(__file__).with_name("qgis_dependency_notice.py")

pytestmark = pytest.mark.e2e


def test_message_bar_names_numba_in_korean(artifacts_dir, x_display, tmp_path):  # noqa: F811
    shot = artifacts_dir / "qgis_dependency_notice.png"
    shot.unlink(missing_ok=True)
    env = {k: v for k, v in os.environ.items() if k not in ("QGIS_CUSTOM_CONFIG_PATH", "QGIS_OPTIONS_PATH")}
    env.update(QT_QPA_PLATFORM="xcb", DISPLAY=x_display, GIMPO_SCREENSHOT=str(shot), GIMPO_REPO=str(ROOT))
    done = subprocess.run(
        [
            "qgis",
            "--nologo",
            "--noversioncheck",
            "--noplugins",
            "--profiles-path",
            str(tmp_path),
            "--code",
            str(SCRIPT),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    state = json.loads(Path(f"{shot}.json").read_text(encoding="utf-8"))
    assert state["text"] and "numba (없음; 히트맵)" in state["text"]
    assert "numba&gt;=0.59,&lt;0.63" in state["text"]  # escaped, so shown whole
    assert "gimpo_action_heatmap" in state["guarded"]
    assert shot.stat().st_size > 10_000
