"""``make bench`` signs in as users do now (password and second factor) and measures every page."""

import pytest

from ancrage import bench

pytestmark = pytest.mark.django_db


def test_the_page_bench_reaches_every_page_past_the_second_factor(followed, cast, monkeypatch, capsys):
    monkeypatch.setattr("sys.argv", ["bench", "--runs", "1", "--email", cast.amina.user.email])
    bench.main()  # asserts a 200 on each page: a redirection to the second factor fails it
    out = capsys.readouterr().out
    for page in ("caseload, page 1", "caseload, search", "person record", "API person"):
        assert page in out
    assert "steering: no demo contract" in out  # nothing to measure there in this database: said so
