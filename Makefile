# The Adaptive Policing curriculum: one command each to serve, test and grade.
# Every target creates the virtual environment (.venv) and installs the project
# into it when missing, so a fresh clone needs only Python 3.11+.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
# reveal.js's style sheets for the projector slides, unpacked from the npm package
# into the slides template (served by the instructor server; never from a CDN).
REVEAL := adaptive_policing/serve/templates/voila/templates/adaptive-slides/static/reveal/VERSION

.PHONY: help install system-deps serve hub test grade release formgrader lab bench clean

help:
	@echo "make serve   serve the course (trainee and instructor servers)"
	@echo "make hub    serve the course behind JupyterHub (department mode; deploy/README.md)"
	@echo "make test    install everything the tests need (Chromium, PostgreSQL) and run them"
	@echo "make grade   autograde both assessments (course and window module), write feedback and reports"
	@echo "make formgrader  open nbgrader's formgrader to grade written answers by hand"
	@echo "make release regenerate exercises/ from solutions/"
	@echo "make lab     open JupyterLab for authoring"
	@echo "make bench   run the benchmarks"

$(INSTALLED): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $(INSTALLED)

# Without npm or network the course still serves; only the slides lack their style
# sheets, and the next `make` tries again.
$(REVEAL): $(INSTALLED)
	@command -v npm >/dev/null 2>&1 || tools/install-system-deps.sh
	@$(BIN)/python -m adaptive_policing.serve.slides install || echo "!!! reveal.js's style sheets could not be fetched: \
	the course works, the projector slides stay unstyled until 'make install' runs with npm and a network."

install: $(INSTALLED) $(REVEAL)

system-deps:
	@tools/install-system-deps.sh
	@tools/install-hub-deps.sh || echo "!!! configurable-http-proxy is missing: the JupyterHub tests will fail."

# The servers' own messages go to var/logs/, so the last thing on screen is the banner.
serve: install
	@$(BIN)/adaptive-policing serve

# Department mode: JupyterHub on this machine (loopback unless ADAPTIVE_POLICING_HUB_IP says otherwise),
# with the shared-password login and a password kept in var/hub/password unless the department's
# authenticator is configured (ADAPTIVE_POLICING_HUB_CONFIG, see deploy/README.md).
HUB_PASSWORD_FILE := var/hub/password
hub: install
	@tools/install-hub-deps.sh
	@mkdir -p var/hub
	@test -s $(HUB_PASSWORD_FILE) || (umask 077 && $(BIN)/python -c "import secrets; print(secrets.token_urlsafe(12))" > $(HUB_PASSWORD_FILE))
	@echo "JupyterHub: http://$${ADAPTIVE_POLICING_HUB_IP:-127.0.0.1}:$${ADAPTIVE_POLICING_HUB_PORT:-8000}/"
	@echo "Users and classes: $${ADAPTIVE_POLICING_HUB_GROUPS:-deploy/jupyterhub/groups.example.yaml}"
	@test -n "$$ADAPTIVE_POLICING_HUB_CONFIG" || echo "Shared login password (any listed user): $$(cat $(HUB_PASSWORD_FILE))"
	cd var/hub && PATH="$(CURDIR)/$(BIN):$$PATH" \
		ADAPTIVE_POLICING_HUB_PASSWORD="$${ADAPTIVE_POLICING_HUB_PASSWORD:-$$(cat $(CURDIR)/$(HUB_PASSWORD_FILE))}" \
		$(CURDIR)/$(BIN)/jupyterhub -f $(CURDIR)/deploy/jupyterhub/jupyterhub_config.py

test: install system-deps
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/python -m pytest

grade: install
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/adaptive-policing grade

release: install
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/adaptive-policing release

# Loopback only, on a free port it prints; as root it passes --allow-root itself.
formgrader: install
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/adaptive-policing formgrader

lab: install
	$(BIN)/jupyter lab

bench: install system-deps
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/python -m bench

clean:
	rm -rf var build *.egg-info
