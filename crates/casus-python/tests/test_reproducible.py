"""Reproducible runs: the same scenario, parameters and seed give the same
bytes whatever the thread count, and the GIL is released while they run."""

import threading
import time

import casus


def test_the_thread_count_does_not_change_a_byte():
    one = casus.forecast("kazakhstan-2022", runs=20000, seed=9, threads=1).to_json()
    two = casus.forecast("kazakhstan-2022", runs=20000, seed=9, threads=2).to_json()
    many = casus.forecast("kazakhstan-2022", runs=20000, seed=9, threads=7).to_json()
    assert one == two == many


def test_horizons_too():
    a = casus.forecast("russia-wins-2026", runs=400, seed=1, threads=1, until="2027-12-31")
    b = casus.forecast("russia-wins-2026", runs=400, seed=1, threads=3, until="2027-12-31")
    assert a.to_json() == b.to_json()


def test_the_seed_is_the_scenarios_own_unless_given():
    s = casus.load("kazakhstan-2022")
    assert casus.forecast(s, runs=100).seed == s.seed
    assert casus.forecast(s, runs=100, seed=s.seed).to_json() == casus.forecast(s, runs=100).to_json()
    assert casus.forecast(s, runs=2000, seed=1).to_json() != casus.forecast(s, runs=2000, seed=2).to_json()


def test_python_threads_run_while_a_forecast_runs():
    ticks: list[float] = []
    stop = threading.Event()

    def tick():
        while not stop.is_set():
            ticks.append(time.perf_counter())
            time.sleep(0.005)

    t = threading.Thread(target=tick)
    t.start()
    start = time.perf_counter()
    casus.forecast("kazakhstan-2022", runs=1_500_000, seed=1, threads=1)
    end = time.perf_counter()
    stop.set()
    t.join()
    during = [x for x in ticks if start + 0.05 < x < end - 0.05]
    # Held GIL: no tick between start and end; released: one every ~5 ms.
    assert end - start > 0.3
    assert len(during) > (end - start) / 0.05


def test_progress_is_reported_to_a_callable():
    seen: list[tuple[int, int]] = []
    casus.forecast("kazakhstan-2022", runs=300_000, seed=1, progress=lambda d, t: seen.append((d, t)))
    assert seen[-1] == (300_000, 300_000)
    assert all(t == 300_000 for _, t in seen)


def test_an_exception_in_the_progress_callable_is_raised_after_the_run():
    def boom(done, total):
        raise KeyError("stop")

    try:
        casus.forecast("kazakhstan-2022", runs=1000, progress=boom)
    except KeyError as e:
        assert e.args == ("stop",)
    else:
        raise AssertionError("the callable's exception was swallowed")
