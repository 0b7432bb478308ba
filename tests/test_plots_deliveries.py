"""`wskurs.lessons.plots.deliveries`: her alıcının aldığı mesaj sayısı basamak basamak çizilir; hiç
okumayan alıcının çizgisi sıfırda düz kalır."""

from __future__ import annotations

from wskurs.lessons.plots import deliveries


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
