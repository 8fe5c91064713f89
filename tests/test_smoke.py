from sim import SimConfig, simulate


def test_a_short_run_produces_one_row_per_day():
    result = simulate(SimConfig(days=20), seed=1)
    assert len(result.daily) == 20
    assert len(result.teams) == 20 * 10
