"""`wskurs.lessons.plots`: birikimli teslim grafiği her senaryoyu çizer."""

from __future__ import annotations

from wskurs.lessons.plots import cumulative_plot


def test_cumulative_plot_draws_one_line_per_scenario():
    """Her senaryo için bir çizgi, beklenen toplam için kesikli bir çizgi."""
    fig = cumulative_plot({"a": [3.0, 1.0, 2.0], "b": [5.0]}, title="deneme", total=3)
    ax = fig.axes[0]
    labels = [line.get_label() for line in ax.get_lines()]
    assert labels == ["a", "b", "beklenen"]
    assert list(ax.get_lines()[0].get_ydata()) == [0, 1, 2, 3]
    assert ax.get_title() == "deneme"
    extended = cumulative_plot({"a": [1.0, 2.0]}, title="uzat", until=10.0).axes[0].get_lines()[0]
    assert list(extended.get_xdata()) == [0.0, 1.0, 2.0, 10.0]
    assert list(extended.get_ydata()) == [0, 1, 2, 2]
