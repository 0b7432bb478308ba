"""Kurs gerçek JupyterLab arayüzünde, gerçek bir tarayıcıda, bir hub'daki gibi çalışır.

JupyterLab ``make lab`` gibi başlatılır, ama JupyterHub'ın tek kullanıcılı sunucusu gibi kök
olmayan bir temel adres (``/user/ogrenci/``) ve token ile. Her bölüm defteri arayüzde açılır;
kodu Jupyter sunucusunun altında başka yoldan gidenler (``RUN_IN_UI``: tarayıcı adresleri, sayfalar)
çekirdek yeniden başlatılıp baştan sona arayüzden çalıştırılır (``notebook:restart-run-all``, onay
penceresine tıklanarak). Sonra: hiçbir hücrede hata çıktısı yok (yalnızca bilerek hata
veren ``raises-exception`` etiketli hücreler hariç), her Mermaid bloğu SVG olarak çizilmiş;
çözülmüş lab 1'in kontrol hücreleri ✅, çözülmemiş lab 1'in ilk kontrol hücresi Türkçe ❌
geri bildirimi gösterir; 3. ve 6. bölümün sayfaları çekirdekteki sunucuyla WebSocket
mesajlarını **proxy üzerinden** (``/user/ogrenci/proxy/<port>/``) alıp verir.

Defterler geçici bir kurs klasörüne kopyalanır: arayüzün otomatik kaydı depodaki defterlere
dokunmaz. Her defterin ekran görüntüsü ``build/ui/`` altına kaydedilir.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from wskurs.engine.processes import death_signal
from wskurs.engine.timing import scaled

pytestmark = [pytest.mark.browser, pytest.mark.kernel]

ROOT = Path(__file__).resolve().parents[1]
BASE_URL = "/user/ogrenci/"
SHOTS = ROOT / "build" / "ui"
NOTEBOOKS = sorted(p.name for p in (ROOT / "notebooks").glob("0*.ipynb"))
LAB = "lab01_websocket_nedir.ipynb"
VIEWPORT = {"width": 1400, "height": 1000}
FAST_CH03 = "?taban=200&tavan=800&deneme=8&kalp=300"

# JupyterLab kullanıcı ayarları (yalnızca bu testin geçici ayar klasöründe). Haber/güncelleme
# sorgusu make lab'daki gibi kapalı; otomatik kayıt kapalı (kopya defterler zaten geçici).
# Defter pencereleme kipi öğrencininki gibi varsayılan (contentVisibility): bütün hücreler
# DOM'dadır, ekran dışındaki Mermaid blokları da çizilir.
SETTINGS = {
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false",
        "checkForUpdates": False,
    },
    "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": {"autosave": False},
    # make lab'ın ayarıyla aynı: arayüz Türkçe (dil paketi kursun bağımlılığı).
    "@jupyterlab/translation-extension/plugin.jupyterlab-settings": {"locale": "tr_TR"},
}


@dataclass
class Lab:
    """Çalışan JupyterLab: tarayıcının kullandığı kök adres ve token."""

    origin: str
    token: str
    course: Path
    process: subprocess.Popen[bytes]
    log: Path

    def url(self, path: str) -> str:
        return f"{self.origin}{BASE_URL}{path.lstrip('/')}"

    def log_tail(self, lines: int = 30) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])


def _course_copy(target: Path) -> Path:
    """Kursun, arayüzün değiştirebileceği bir kopyası: notebooks/ ve lab 1'in iki hâli."""
    shutil.copytree(ROOT / "notebooks", target / "notebooks", ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    (target / "labs").mkdir()
    (target / "cozum").mkdir()
    shutil.copy(ROOT / "labs" / LAB, target / "labs" / LAB)
    shutil.copy(ROOT / "solutions" / LAB, target / "cozum" / LAB)
    return target


@pytest.fixture(scope="module")
def lab(tmp_path_factory) -> Iterator[Lab]:
    """``make lab``'ın komutu, hub'daki gibi ``/user/ogrenci/`` altında ve token ile."""
    home = tmp_path_factory.mktemp("jupyterlab")
    course = _course_copy(home / "kurs")
    settings = home / "ayarlar"
    for name, values in SETTINGS.items():
        target = settings / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(values))
    runtime = home / "runtime"
    env = {k: v for k, v in os.environ.items() if k not in ("WSKURS_BROWSER_BASE", "JUPYTERHUB_SERVICE_PREFIX")}
    env |= {
        "JUPYTER_RUNTIME_DIR": str(runtime),
        "JUPYTER_CONFIG_DIR": str(home / "config"),
        "JUPYTERLAB_SETTINGS_DIR": str(settings),
        "JUPYTERLAB_WORKSPACES_DIR": str(home / "workspaces"),
    }
    token = secrets.token_hex(16)
    command = [
        sys.executable,
        "-m",
        "jupyterlab",
        "--no-browser",
        "--ip=127.0.0.1",
        "--port=0",
        f"--ServerApp.root_dir={course}",
        "--LabApp.default_url=/lab/tree/notebooks/00_baslarken.ipynb",
        f"--ServerApp.base_url={BASE_URL}",
        f"--IdentityProvider.token={token}",
        "--LabApp.expose_app_in_browser=True",
    ]
    if os.geteuid() == 0:
        command.append("--allow-root")  # make lab'daki gibi (kapsayıcıda root)
    log = home / "jupyterlab.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            command, cwd=course, env=env, stdout=out, stderr=subprocess.STDOUT, preexec_fn=death_signal()
        )
    try:
        info_file = runtime / f"jpserver-{process.pid}.json"
        deadline = time.monotonic() + scaled(60)
        while not info_file.exists():
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail("JupyterLab başlamadı:\n" + log.read_text(errors="replace")[-3000:])
            time.sleep(0.2)
        time.sleep(0.2)
        info = json.loads(info_file.read_text())
        assert info["base_url"] == BASE_URL
        running = Lab(f"http://127.0.0.1:{info['port']}", token, course, process, log)
        status = httpx.get(
            running.url("api/status"), headers={"Authorization": f"token {token}"}, timeout=scaled(10), trust_env=False
        )
        assert status.status_code == 200, status.text
        yield running
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=scaled(20))
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=scaled(10))


@dataclass
class Traffic:
    """Tarayıcının (çerçeveler dahil) yaptığı HTTP istekleri ve açtığı WebSocket'ler."""

    requests: list[str] = field(default_factory=list)
    websockets: list[str] = field(default_factory=list)
    by_frame: list[tuple[str, str]] = field(default_factory=list)
    """(isteği yapan çerçevenin adresi, isteğin adresi)"""

    def record(self, request) -> None:
        self.requests.append(request.url)
        self.by_frame.append((request.frame.url, request.url))


@pytest.fixture(scope="module")
def ui(browser, lab) -> Iterator[tuple[object, Traffic]]:
    """Token'lı adresle bir kez giriş yapmış, JupyterLab'ı açık bir sayfa."""
    context = browser.new_context(viewport=VIEWPORT, locale="tr-TR")
    page = context.new_page()
    page.set_default_timeout(scaled(30) * 1000)
    traffic = Traffic()
    page.on("request", traffic.record)
    page.on("websocket", lambda websocket: traffic.websockets.append(websocket.url))
    page.goto(lab.url(f"lab?token={lab.token}"))
    page.wait_for_function("() => window.jupyterapp && window.jupyterapp.shell")
    page.evaluate("() => window.jupyterapp.restored")
    page.evaluate("() => window.jupyterapp.shell.collapseLeft()")  # ekran görüntülerinde defter geniş dursun
    # Arayüz make lab'daki gibi Türkçe açıldı: menü çubuğunda Türkçe başlıklar.
    menus = page.locator(".lm-MenuBar-itemLabel").all_inner_texts()
    assert {"Dosya", "Çekirdek"} <= set(menus), menus
    try:
        yield page, traffic
    finally:
        context.close()


# Arayüzü süren küçük JavaScript parçaları ------------------------------------------------------

OPEN = """async (path) => {
    const app = window.jupyterapp;
    const panel = await app.commands.execute('docmanager:open', {path, factory: 'Notebook'});
    await panel.context.ready;
    await panel.sessionContext.ready;
    app.shell.activateById(panel.id);
    return panel.id;
}"""

KERNEL_IDLE = """() => {
    const panel = window.jupyterapp.shell.currentWidget;
    const kernel = panel && panel.sessionContext && panel.sessionContext.session
        && panel.sessionContext.session.kernel;
    return !!kernel && kernel.status === 'idle';
}"""

# Bütün hücreler bitti mi: çalışan/sırada bekleyen yok, çekirdek boşta, ve ya her kod hücresinin
# bir sayısı var ya da beklenmeyen bir hata çalıştırmayı durdurdu.
FINISHED = """() => {
    const panel = window.jupyterapp.shell.currentWidget;
    const kernel = panel.sessionContext.session && panel.sessionContext.session.kernel;
    if (!kernel || kernel.status !== 'idle') return false;
    const cells = [...panel.model.cells].filter((c) => c.type === 'code');
    if (cells.some((c) => c.executionState === 'running')) return false;
    const stopped = cells.some((c) => !(c.getMetadata('tags') || []).includes('raises-exception')
        && c.outputs.toJSON().some((o) => o.output_type === 'error'));
    return stopped || cells.every((c) => c.executionCount !== null);
}"""

CELLS = """() => [...window.jupyterapp.shell.currentWidget.model.cells].map((c, index) => ({
    index,
    type: c.type,
    tags: c.getMetadata('tags') || [],
    source: c.sharedModel.getSource(),
    count: c.type === 'code' ? c.executionCount : null,
    outputs: c.type === 'code' ? c.outputs.toJSON() : [],
}))"""

CLOSE = """async () => {
    const panel = window.jupyterapp.shell.currentWidget;
    await panel.sessionContext.shutdown();
    panel.dispose();
}"""

ADD_AND_RUN = """async (code) => {
    const app = window.jupyterapp;
    const panel = app.shell.currentWidget;
    const index = panel.model.cells.length;
    panel.model.sharedModel.insertCell(index, {cell_type: 'code', source: code});
    panel.content.activeCellIndex = index;
    await app.commands.execute('notebook:run-cell');
    return index;
}"""


# Arayüzde baştan sona çalıştırılan bölümler: kodları çekirdek bir Jupyter sunucusunun altındayken başka
# yoldan gider (``browser_url``/``show_page``: sayfalar jupyter-server-proxy'den, ``/user/ogrenci/proxy/<port>/``;
# 00'da ilerleme tablosu). Öteki bölümlerin çekirdekte çalışan kodu burada da nbval'dekiyle aynıdır: make
# test onları nbval'de kayıtlı çıktılarıyla (ölü proxy'li ortamda) ve tests/test_notebook_rerun.py'de her
# hücreyi iki kez çalıştırarak sınar. Arayüzün onlara kattığı (Markdown, Mermaid ve kayıtlı çıktıların
# çizilmesi) burada açılarak sınanır; yeniden çalıştırmak bu testin işlemci süresinin yarısıydı.
# Hangileri olduğu kod hücrelerinden okunur (bugün 00, 03 ve 06): bu yolları kullanmaya başlayan bir bölüm
# kendiliğinden buraya girer.
SERVER_PATHS = ("browser_url", "show_page", "progress_view")


def _uses_jupyter_server_paths(name: str) -> bool:
    """Defterin kodu Jupyter sunucusunun altında başka yoldan gider mi (tarayıcı adresi, sayfa gösterme)."""
    nb = json.loads((ROOT / "notebooks" / name).read_text(encoding="utf-8"))
    code = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")
    return any(path in code for path in SERVER_PATHS)


RUN_IN_UI = tuple(name for name in NOTEBOOKS if _uses_jupyter_server_paths(name))


def _open_and_run_all(page, lab: Lab, path: str) -> float:
    """Defteri açar, çıktılarını siler, çekirdeği yeniden başlatıp hepsini arayüzden çalıştırır."""
    page.evaluate(OPEN, path)
    page.wait_for_function(KERNEL_IDLE, timeout=scaled(60) * 1000)
    page.evaluate("() => window.jupyterapp.commands.execute('notebook:clear-all-cell-outputs')")
    started = time.monotonic()
    page.evaluate("() => { window.jupyterapp.commands.execute('notebook:restart-run-all'); }")
    page.locator(".jp-Dialog .jp-mod-accept").click()  # "Çekirdek yeniden başlatılsın mı?"
    try:
        page.wait_for_function(FINISHED, timeout=scaled(480) * 1000, polling=500)
    except Exception as exc:
        raise AssertionError(f"{path}: hücreler zamanında bitmedi\n{lab.log_tail()}") from exc
    return time.monotonic() - started


def _text(output: dict) -> str:
    if output["output_type"] == "stream":
        return output["text"]
    if output["output_type"] == "error":
        return f"{output['ename']}: {output['evalue']}"
    return str(output.get("data", {}).get("text/plain", ""))


def _unexpected_errors(cells: list[dict]) -> list[str]:
    return [
        f"hücre {c['index']}: {_text(o)[:300]}"
        for c in cells
        if "raises-exception" not in c["tags"]
        for o in c["outputs"]
        if o["output_type"] == "error"
    ]


# JupyterLab Mermaid bloğunu bir SVG olarak çizer: satır içi <svg> ya da data:image/svg+xml resmi.
# Sayılan, gerçekten yüklenmiş (genişliği olan) SVG'ler.
MERMAID_SVGS = """[...document.querySelectorAll('.jp-MarkdownCell .jp-RenderedMermaid')].filter((m) =>
    [...m.querySelectorAll('svg')].some((svg) => svg.getBoundingClientRect().width > 0)
    || [...m.querySelectorAll('img')].some((img) => img.src.startsWith('data:image/svg+xml')
        && img.complete && img.naturalWidth > 0)).length"""


def _mermaid_blocks(cells: list[dict]) -> int:
    return sum(len(re.findall(r"^```mermaid\s*$", c["source"], re.M)) for c in cells if c["type"] == "markdown")


def _record_duration(name: str, seconds: float) -> None:
    """Yeniden başlat + hepsini çalıştır süresini build/ui/sureler.json'a yazar (rapor için)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    target = SHOTS / "sureler.json"
    durations = json.loads(target.read_text()) if target.exists() else {}
    durations[name] = round(seconds, 1)
    target.write_text(json.dumps(durations, indent=1, ensure_ascii=False))


def _shot(page, name: str) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    target = SHOTS / f"{name}.png"
    page.screenshot(path=str(target))
    return target


def _scroll_to_cell(page, index: int) -> None:
    page.evaluate(
        "(index) => window.jupyterapp.shell.currentWidget.content.widgets[index].node.scrollIntoView()", index
    )
    page.wait_for_timeout(scaled(0.3) * 1000)


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_chapter_runs_in_the_jupyterlab_ui(ui, lab, name):
    """Bölüm defteri arayüzde açılır; Jupyter sunucusunun altında başka yoldan giden bir kodu varsa
    (``RUN_IN_UI``) yeniden başlatılıp baştan sona arayüzden çalıştırılır. Sonra: hiçbir hücrede
    beklenmeyen hata çıktısı yok, her kod hücresi çalışmış, her Mermaid bloğu SVG olarak çizilmiş."""
    page, _ = ui
    if name in RUN_IN_UI:
        _record_duration(name, _open_and_run_all(page, lab, f"notebooks/{name}"))
    else:
        page.evaluate(OPEN, f"notebooks/{name}")
        page.wait_for_function(KERNEL_IDLE, timeout=scaled(60) * 1000)
    try:
        cells = page.evaluate(CELLS)
        errors = _unexpected_errors(cells)
        assert not errors, f"{name}: hata çıktısı olan hücreler:\n" + "\n".join(errors)
        unrun = [c["index"] for c in cells if c["type"] == "code" and c["count"] is None]
        assert not unrun, f"{name}: çalışmamış kod hücreleri: {unrun}"

        expected = _mermaid_blocks(cells)
        mermaid = page.locator(".jp-MarkdownCell .jp-RenderedMermaid")
        if expected:
            try:
                page.wait_for_function(f"(n) => ({MERMAID_SVGS}) >= n", arg=expected, timeout=scaled(30) * 1000)
            except Exception:
                first = next(c["index"] for c in cells if "```mermaid" in c["source"])
                html = page.locator(".jp-Notebook .jp-Cell").nth(first).inner_html()
                raise AssertionError(f"{name}: Mermaid çizilmedi; hücre {first}:\n{html[:3000]}") from None
        assert mermaid.count() == expected, f"{name}: {expected} Mermaid bloğundan {mermaid.count()} çizildi"
        assert page.evaluate(f"() => {MERMAID_SVGS}") == expected
        assert page.locator(".jp-RenderedMermaid-Details").count() == 0  # çizilemeyen blok kaynak gösterilir

        if name.startswith("03_"):
            _chapter3_page_through_proxy(ui, lab)
        elif name.startswith("06_"):
            _chapter6_pages_through_proxy(ui, lab)
        else:  # görüntüde ilk Mermaid çizimi (yoksa defterin başı) görünsün
            first = next((c["index"] for c in cells if "```mermaid" in c["source"]), 0)
            _scroll_to_cell(page, first)
            _shot(page, name.removesuffix(".ipynb"))
    finally:
        page.evaluate(CLOSE)


def _frame_of(page, cell: int, position: int = 0):
    """Bir hücrenin çıktısındaki ``position``. çerçeve: adresi (src) ve Playwright Frame'i."""
    iframe = page.locator(".jp-Notebook .jp-Cell").nth(cell).locator(".jp-OutputArea iframe").nth(position)
    iframe.wait_for()
    src = iframe.get_attribute("src")
    frame = iframe.element_handle().content_frame()
    assert frame is not None
    return src, frame


def _proxy_port(lab: Lab, src: str, page_path: str) -> int:
    """Çerçevenin adresi ``/user/ogrenci/proxy/<port><page_path>`` olmalı; port döner."""
    match = re.fullmatch(re.escape(BASE_URL) + r"proxy/(\d+)" + re.escape(page_path) + r"(\?.*)?", src)
    assert match, f"çerçeve proxy üzerinden açılmıyor: {src!r}"
    return int(match.group(1))


def _run_cell(page, code: str) -> dict:
    index = page.evaluate(ADD_AND_RUN, code)
    page.wait_for_function(
        "(i) => window.jupyterapp.shell.currentWidget.model.cells.get(i).executionCount !== null",
        arg=index,
        timeout=scaled(30) * 1000,
    )
    cell = page.evaluate(CELLS)[index]
    errors = _unexpected_errors([cell])
    assert not errors, errors
    return cell


def _chapter3_page_through_proxy(ui, lab: Lab) -> None:
    """3. bölümün istemci sayfası JupyterLab'ın içinde, proxy üzerinden: metin ve JSON mesajları
    gidip gelir, WebSocket /user/ogrenci/proxy/<port>/ws adresine açılır; proxy oturumsuz
    isteği geri çevirir."""
    page, traffic = ui
    port = int("".join(_run_cell(page, "print(sunucu.port)")["outputs"][0]["text"]).strip())
    cell = _run_cell(
        page, f"from wskurs.engine.pages import show_page\n\nshow_page(sunucu, '/{FAST_CH03}', height=520)"
    )
    assert cell["outputs"][0]["data"]["text/plain"] == f"[sayfa: /{FAST_CH03}]"
    src, frame = _frame_of(page, cell["index"])
    assert _proxy_port(lab, src, "/") == port
    # Proxy kimlik doğrulaması ister: çerezsiz/token'sız istek sayfayı alamaz, token'lı alır.
    anonymous = httpx.get(f"{lab.origin}{src}", follow_redirects=False, timeout=scaled(10), trust_env=False)
    assert anonymous.status_code in (302, 403), anonymous.status_code
    signed = httpx.get(
        f"{lab.origin}{src}", headers={"Authorization": f"token {lab.token}"}, timeout=scaled(10), trust_env=False
    )
    assert signed.status_code == 200 and "WebSocket İstemcisi" in signed.text
    frame.wait_for_function("() => window.wsLog && wsLog.some(e => e.type === 'open')", timeout=scaled(15) * 1000)
    ws_url = frame.evaluate("() => wsLog.find(e => e.type === 'connecting').url")
    assert ws_url == f"{lab.origin.replace('http://', 'ws://')}{BASE_URL}proxy/{port}/ws"
    assert ws_url in traffic.websockets

    frame.fill("#messageText", "proxy'den merhaba")
    frame.click("button[type=submit]")
    frame.wait_for_function("() => wsLog.some(e => e.type === 'text' && e.data === 'Mesajınız: proxy\\'den merhaba')")
    frame.click("#sendJson")
    frame.wait_for_function("() => wsLog.some(e => e.type === 'json')")
    assert frame.evaluate("() => wsLog.find(e => e.type === 'json').data") == {
        "type": "yanit",
        "user": "Ali",
        "message": "Merhaba",
    }
    _assert_only_proxy_traffic(page, lab, traffic, port)
    _scroll_to_cell(page, cell["index"])
    _shot(page, "03_istemciler")


def _chapter6_pages_through_proxy(ui, lab: Lab) -> None:
    """6. bölümün sohbet sayfası iki çerçevede, proxy üzerinden: şema /protokol.json'dan gelir,
    iki kullanıcı aynı odaya katılır, birinin yazdığı öbürünün çerçevesinde görünür."""
    page, traffic = ui
    port = int("".join(_run_cell(page, "print(sunucu.port)")["outputs"][0]["text"]).strip())
    code = (
        "from wskurs.engine.pages import show_page\n\n"
        "show_page(sunucu, ['/sayfa/?username=Ayşe', '/sayfa/?username=Bora'])"
    )
    cell = _run_cell(page, code)
    frames = {}
    for position, name in enumerate(("Ayşe", "Bora")):
        src, frame = _frame_of(page, cell["index"], position)
        assert _proxy_port(lab, src, "/sayfa/") == port
        frame.wait_for_selector('#status[data-status="connected"]', timeout=scaled(15) * 1000)
        frame.fill("#roomId", "kahve")
        frame.click("#joinBtn")
        _wait_for_line(frame, "#messages li.system", "'kahve' odasına katıldınız")
        frames[name] = frame
    prefix = f"{lab.origin.replace('http://', 'ws://')}{BASE_URL}proxy/{port}/ws/"
    assert sum(url.startswith(prefix) for url in traffic.websockets) >= 2, traffic.websockets
    assert f"{lab.origin}{BASE_URL}proxy/{port}/protokol.json" in traffic.requests
    assert "şema yok" not in frames["Ayşe"].locator("#types").inner_text()

    frames["Ayşe"].fill("#messageInput", "Proxy'den merhaba Bora")
    frames["Ayşe"].click("#sendBtn")
    _wait_for_line(frames["Bora"], "#messages li.chat", "Ayşe: Proxy'den merhaba Bora")
    _assert_only_proxy_traffic(page, lab, traffic, port)
    _scroll_to_cell(page, cell["index"])
    _shot(page, "06_ileri_seviye")


def _assert_only_proxy_traffic(page, lab: Lab, traffic: Traffic, port: int) -> None:
    """Proxy'den açılan sayfanın her isteği de proxy'den gider (göreli adresler). Defter sayfayı
    ``show_page`` ile gösteriyorsa tarayıcı çekirdekteki sunucuya hiç doğrudan gitmez."""
    proxied = f"{lab.origin}{BASE_URL}proxy/{port}/"
    direct = f"http://127.0.0.1:{port}/"
    # Jupyter'in kendi hata sayfası (jupyter-server-proxy sunucuya bağlanamayınca döner) Jupyter'in
    # static/ dosyalarını yükler. Defter baştan çalışırken 6.1.4'ün çerçeveleri, 6.2.3'ün sonunda sunucu aynı
    # portta yeniden başlarken yüklenirse bu sayfayı alır; o istekler bizim sayfamızın değildir.
    jupyter_static = f"{lab.origin}{BASE_URL}static/"
    strays = [
        url
        for frame, url in traffic.by_frame
        if frame.startswith(proxied) and not url.startswith(proxied) and not url.startswith(jupyter_static)
    ]
    assert not strays, f"proxy'deki sayfa başka bir adrese gitti: {strays}"
    sources = "\n".join(c["source"] for c in page.evaluate(CELLS)[:-2])
    if "show_page(" in sources:
        direct_hits = [
            url for url in traffic.requests + traffic.websockets if direct in url.replace("ws://", "http://")
        ]
        assert not direct_hits, f"tarayıcı sunucuya doğrudan gitti: {direct_hits}"


def _wait_for_line(frame, selector: str, text: str) -> None:
    frame.wait_for_function(
        "([selector, text]) => [...document.querySelectorAll(selector)].some((li) => li.textContent.includes(text))",
        arg=[selector, text],
        timeout=scaled(15) * 1000,
    )


def _check_cells(cells: list[dict]) -> list[dict]:
    return [c for c in cells if c["type"] == "code" and re.match(r"\s*await check\(", c["source"])]


def _visible_text(page, index: int) -> str:
    return page.locator(".jp-Notebook .jp-Cell").nth(index).locator(".jp-OutputArea").inner_text()


def test_solved_lab_shows_green_checks(ui, lab):
    """Çözülmüş lab 1 arayüzde çalışınca her kontrol hücresi ✅ gösterir, hata çıktısı yoktur."""
    page, _ = ui
    _record_duration(f"cozum/{LAB}", _open_and_run_all(page, lab, f"cozum/{LAB}"))
    try:
        cells = page.evaluate(CELLS)
        assert not _unexpected_errors(cells), _unexpected_errors(cells)
        checks = _check_cells(cells)
        assert len(checks) >= 3
        for check in checks:
            _scroll_to_cell(page, check["index"])  # JupyterLab görünmeyen hücreleri çizmeyebilir (pencereleme)
            text = _visible_text(page, check["index"])
            assert "✅" in text and "❌" not in text, f"hücre {check['index']}: {text!r}"
        _scroll_to_cell(page, checks[0]["index"])
        _shot(page, "lab01_cozum")
    finally:
        page.evaluate(CLOSE)


def test_unsolved_lab_shows_turkish_feedback(ui, lab):
    """Çözülmemiş lab 1'de ilk kontrol hücresi ❌ ve Türkçe geri bildirim gösterir (ilk cevap
    hücresi henüz yazılmadı; çalıştırma orada durur)."""
    page, _ = ui
    _record_duration(f"labs/{LAB}", _open_and_run_all(page, lab, f"labs/{LAB}"))
    try:
        cells = page.evaluate(CELLS)
        first = _check_cells(cells)[0]
        text = _visible_text(page, first["index"])
        assert "❌" in text and "✅" not in text, text
        assert "Alıştırma 1.1" in text and set(text) & set("çğıİöşü"), f"Türkçe geri bildirim yok: {text!r}"
        _scroll_to_cell(page, first["index"])
        _shot(page, "lab01_cozulmemis")
    finally:
        page.evaluate(CLOSE)
