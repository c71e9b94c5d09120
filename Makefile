# The course's commands. `make site` builds the book; `make test` builds it and runs every test.
# Both set up what they need on a fresh machine (Python 3.11+, Node.js/npm): a virtual
# environment in .venv from requirements.txt, and the pinned widget JavaScript from npm.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
SITEJS := _build/site_js/widgetjs
HTMLMANAGER := node_modules/@jupyter-widgets/html-manager/dist

.PHONY: site test execute bench clean

site: $(VENV)/installed $(SITEJS)/installed
	$(BIN)/jupyter-book build . --all --warningiserror --nitpick --keep-going

test: site
	$(BIN)/pytest

execute: $(VENV)/installed  ## re-execute every notebook in place (outputs and widget state, with stable ids)
	$(BIN)/jupyter nbconvert --to notebook --execute --inplace \
	  --ExecutePreprocessor.record_timing=False --ExecutePreprocessor.kernel_name=python3 chapters/*.ipynb
	$(BIN)/python tools/stable_widget_ids.py chapters/*.ipynb

bench: $(VENV)/installed
	$(BIN)/python benchmarks/widgets_update.py

$(VENV)/installed: requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

# Third-party JavaScript is fetched as pinned npm packages and copied into the site, never committed.
$(SITEJS)/installed: package.json package-lock.json
	npm ci --no-audit --no-fund --ignore-scripts
	rm -rf $(SITEJS) && mkdir -p $(SITEJS)
	cp node_modules/requirejs/require.js $(SITEJS)/
	cp $(HTMLMANAGER)/embed-amd.js $(HTMLMANAGER)/*.woff2 $(HTMLMANAGER)/*.woff $(HTMLMANAGER)/*.ttf $(HTMLMANAGER)/*.eot $(HTMLMANAGER)/*.svg $(SITEJS)/
	touch $@

clean:
	rm -rf _build
