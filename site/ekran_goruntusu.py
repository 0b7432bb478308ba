"""Web baskısının ekran görüntülerini (site/ekran/*.png) gerçek sayfalardan üretir.

3. ve 6. bölümün bazı çıktıları, çekirdekteki sunucunun sayfasını bir iframe'de gösterir; statik
sitede o sunucu yoktur. Bu betik defteri gerçek bir çekirdekte hücre hücre çalıştırır; canlı sayfa
çıktısı olan hücreden hemen sonra kayıtlı çıktının HTML'ini (adresi o anki sunucuya çevrilmiş
olarak) Chromium'da açar, sayfada bir okurun yapacağı kadarını yapar (mesaj gönderir, odaya
katılır) ve çıktının ekran görüntüsünü alır. Defterler değişip canlı sayfalar değişince
yeniden çalıştırın ve PNG'leri commit'leyin:

    PYTHONPATH=src:tests .venv/bin/python site/ekran_goruntusu.py
"""

from __future__ import annotations

import functools
import json
import re
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from edition import SHOTS_DIR, is_live_page, shot_name  # noqa: E402

from browser import ARGS, chromium_path  # noqa: E402
from kernel import kernel_session  # noqa: E402

ORIGIN = re.compile(r"http://127\.0\.0\.1:\d+")
WAIT_MS = 15_000


def _ch03(page: Any, index: int) -> None:
    frame = page.frame_locator("iframe").first
    frame.locator("#readyState").filter(has_text="1").wait_for(timeout=WAIT_MS)
    frame.locator("#messageText").fill("Merhaba sunucu")
    frame.locator("#messageText").press("Enter")
    frame.locator("#messageContainer").get_by_text("Merhaba sunucu").first.wait_for(timeout=WAIT_MS)


def _ch06(page: Any, index: int) -> None:
    frames = [page.frame_locator("iframe").nth(k) for k in range(2)]
    room = "kahve" if index == 1 else "cay"
    for frame in frames:
        frame.locator('#status[data-status="connected"]').wait_for(timeout=WAIT_MS)
        frame.locator("#roomId").fill(room)
        frame.locator("#joinBtn").click()
        frame.locator("#messages li.system").filter(has_text="odasına katıldınız").wait_for(timeout=WAIT_MS)
    text = "Merhaba!" if index == 1 else "Çay demlendi"
    frames[0].locator("#messageInput").fill(text)
    frames[0].locator("#sendBtn").click()
    frames[1].locator("#messages li.chat").filter(has_text=text).wait_for(timeout=WAIT_MS)


ACTIONS: dict[str, Callable[[Any, int], None]] = {"03_istemciler": _ch03, "06_ileri_seviye": _ch06}


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def _serve(folder: str) -> Iterator[str]:
    """Çerçeveleri taşıyan sayfa JupyterLab'daki gibi bir http:// adresinden açılır (file:// altındaki
    çerçevelerde localStorage kapalıdır ve 6. bölümün sayfası bağlanmaz)."""
    handler = functools.partial(_QuietHandler, directory=folder)
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def shoot(notebook: Path, browser: Any, act: Callable[[Any, int], None]) -> list[Path]:
    """Defteri çalıştırır, her canlı sayfa çıktısının ekran görüntüsünü SHOTS_DIR'e yazar."""
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    written: list[Path] = []
    with kernel_session(notebook.parent) as kernel, tempfile.TemporaryDirectory() as tmp, _serve(tmp) as base:
        for cell in cells:
            if cell["cell_type"] != "code":
                continue
            run = kernel.run("".join(cell["source"]), timeout=180)
            if run.error and "raises-exception" not in cell.get("metadata", {}).get("tags", []):
                raise SystemExit(f"{notebook.name}: {run.error}: {run.evalue}")
            for output in cell.get("outputs", []):
                if not is_live_page(output):
                    continue
                origin = kernel.value("sunucu.url('/').rstrip('/')")
                html = "".join(output["data"]["text/html"])
                page_file = Path(tmp) / f"sayfa{len(written)}.html"
                page_file.write_text(f"<meta charset='utf-8'>{ORIGIN.sub(origin, html)}", encoding="utf-8")
                page = browser.new_page(viewport={"width": 1000, "height": 700})
                try:
                    page.goto(base + page_file.name)
                    act(page, len(written) + 1)
                    page.wait_for_timeout(500)
                    target = SHOTS_DIR / shot_name(notebook.stem, len(written) + 1)
                    target.parent.mkdir(parents=True, exist_ok=True)
                    page.locator(".wskurs-sayfa").first.screenshot(path=str(target))
                    written.append(target)
                    print(f"yazıldı: {target.relative_to(ROOT)}")
                finally:
                    page.close()
    return written


def main() -> int:
    from playwright.sync_api import sync_playwright

    path = chromium_path()
    if path is None:
        print("Chromium bulunamadı: sudo apt-get install chromium", file=sys.stderr)
        return 1
    names = sys.argv[1:] or list(ACTIONS)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, headless=True, args=ARGS)
        try:
            for name in names:
                shoot(ROOT / "notebooks" / f"{name}.ipynb", browser, ACTIONS[name])
        finally:
            browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
