"""`wskurs.lessons.frames`: 5.2'deki çerçeve resminin alanları."""

from __future__ import annotations

from wskurs.lessons.frames import frame_parts, header_figure

RFC_HELLO = bytes.fromhex("818537fa213d7f9f4d5158")


def test_rfc_example_splits_into_header_mask_and_payload():
    """RFC 6455'in maskeli "Hello" çerçevesi 2 bayt başlık, 4 bayt maske ve 5 bayt veriye ayrılır."""
    assert [(name.split()[0], len(data)) for name, data in frame_parts(RFC_HELLO)] == [
        ("başlık", 2),
        ("maske", 4),
        ("veri", 5),
    ]


def test_extended_length_is_its_own_part_and_unmasked_frames_have_no_mask():
    """Uzunluk 126 ise ardından 2 baytlık uzatılmış uzunluk gelir; maskesiz çerçevede maske alanı yoktur."""
    frame = bytes([0x81, 126]) + (300).to_bytes(2, "big") + b"x" * 300
    parts = frame_parts(frame)
    assert [name.split()[0] for name, _ in parts] == ["başlık", "uzatılmış", "veri"]
    assert len(parts[-1][1]) == 300


def test_figure_shows_the_first_two_bytes_bit_by_bit():
    """Resim ilk iki baytın 16 bitini ayrı ayrı yazar (RFC örneğinde 1000 0001 1000 0101)."""
    figure = header_figure(RFC_HELLO)
    bits = [
        t.get_text() for t in figure.axes[0].texts if t.get_fontfamily() == ["monospace"] and t.get_fontsize() == 12
    ]
    assert "".join(bits) == "1000000110000101"
