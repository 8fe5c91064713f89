"""The browser benchmark runs end to end and reports what it measured (no speed is asserted)."""

from __future__ import annotations

import json

import pytest

from benchmarks import dashboard_fps

pytestmark = pytest.mark.slow


def test_benchmark_reports_days_and_redraws_per_second(capsys):
    dashboard_fps.main(["--seconds", "2", "--speed", "60"])
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.startswith("{")]
    assert len(lines) == 1
    result = lines[0]
    assert result["speed_setting"] == 60 and result["days"] > 0
    assert result["days_per_second"] > 0 and result["chart_redraws_per_second"] > 0


def test_benchmark_refuses_a_bad_duration(capsys):
    with pytest.raises(SystemExit):
        dashboard_fps.main(["--seconds", "0"])
    assert "--seconds = 0.0 is not allowed" in capsys.readouterr().err
