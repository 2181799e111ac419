"""The stats a build keeps of the files it wrote come back as file_stat gave them."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from archivegen.render.file_stats import FileStats
from archivegen.render.writer import file_stat

numbers = st.integers(0, 2**64 - 1)
stat_texts = st.one_of(st.tuples(numbers, numbers, numbers).map(lambda t: ":".join(map(str, t))),
                       st.sampled_from(["", "1:2", "-1:2:3", "a:b:c", "1:2:3:4"]))


@given(st.lists(st.tuples(st.text(max_size=8), stat_texts), max_size=30))
def test_stats_come_back_by_name_and_in_order(added: list[tuple[str, str]]) -> None:
    stats = FileStats()
    expected: dict[str, str] = {}
    for name, stat in added:
        stats.add(name, stat)
        expected[name] = stat  # a name given again: its last stat
    assert dict(stats.pairs()) == expected == {name: stats[name] for name in stats}
    assert len(stats) == len(expected) and set(stats) == set(expected)
    assert all(name in stats for name in expected)


def test_real_file_stats_and_the_name_string_given_first(tmp_path: Path) -> None:
    stats = FileStats()
    names = []
    for n in range(3):
        (tmp_path / f"p{n}.html").write_text(str(n))
        name = "".join(["p", str(n), ".html"])
        names.append(name)
        stats.add(name, file_stat(str(tmp_path / name)))
    assert [name for name, _ in stats.pairs()] == names
    assert all(a is b for a, b in zip(stats, names, strict=True))
    assert dict(stats.pairs()) == {n: file_stat(str(tmp_path / n)) for n in names}
    assert "p9.html" not in stats
