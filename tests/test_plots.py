"""`wskurs.lessons.plots`: `deliveries`'te her alıcının aldığı mesaj sayısı basamak basamak çizilir,
hiç okumayan alıcının çizgisi sıfırda düz kalır; `cumulative_plot` her senaryoyu çizer."""

from __future__ import annotations

from wskurs.lessons.plots import cumulative_plot, deliveries


def test_each_receiver_is_a_step_line_ending_at_its_count():
    """Her alıcı bir çizgidir; çizgi son ana dek uzar ve alınan mesaj sayısında biter."""
    fig = deliveries({"Ayşe": [0.3, 0.1, 0.2], "Cem": []}, title="deneme", events=[(0.25, "takıldı")], end=1.0)
    ax = fig.axes[0]
    lines = {line.get_label(): line for line in ax.get_lines() if not line.get_label().startswith("_")}
    assert set(lines) == {"Ayşe: 3", "Cem: 0"}
    ayse_x, ayse_y = lines["Ayşe: 3"].get_data()
    assert list(ayse_x) == [0.0, 0.1, 0.2, 0.3, 1.0] and list(ayse_y) == [0, 1, 2, 3, 3]
    cem_x, cem_y = lines["Cem: 0"].get_data()
    assert list(cem_x) == [0.0, 1.0] and set(cem_y) == {0}
    assert any(text.get_text() == "takıldı" for text in ax.texts)


def test_end_defaults_to_the_last_moment():
    """Son an verilmezse çizgiler en son geliş ya da olay anına dek uzar."""
    fig = deliveries({"Barış": [0.5]}, title="deneme", events=[(2.0, "koptu")])
    line = next(line for line in fig.axes[0].get_lines() if line.get_label() == "Barış: 1")
    assert list(line.get_data()[0]) == [0.0, 0.5, 2.0]


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
