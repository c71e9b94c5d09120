# The course's commands. `make site` builds the book; `make test` builds it and runs every test.
# Both set up what they need on a fresh machine (Python 3.11+, Node.js/npm): a virtual
# environment in .venv from requirements.txt, and the pinned widget JavaScript from npm.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
SITEJS := _build/site_js/widgetjs
HTMLMANAGER := node_modules/@jupyter-widgets/html-manager/dist

.PHONY: site test test-repeat execute bench clean

site: $(VENV)/installed $(SITEJS)/installed
	$(BIN)/jupyter-book build . --all --warningiserror --nitpick --keep-going

test: site
	$(BIN)/pytest

# The browser suites (site, keyboard, accessibility, Lighthouse, JupyterLab) REPEAT times in a row on
# one build, to catch a race. Every run goes on; each run's log is kept in _build/test-repeat/; the
# target fails if any run failed.
REPEAT ?= 10
test-repeat: site
	@mkdir -p _build/test-repeat; failed=0; for run in $$(seq $(REPEAT)); do \
	  log=_build/test-repeat/run-$$run.log; \
	  if $(BIN)/pytest -m browser -q -p no:cacheprovider > $$log 2>&1; then result=passed; \
	  else result=FAILED; failed=$$((failed + 1)); fi; \
	  echo "run $$run of $(REPEAT): $$result: $$(tail -n 1 $$log)"; \
	done; \
	echo "$$failed of $(REPEAT) runs failed"; test $$failed -eq 0

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
