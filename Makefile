# jixiao — everything a new machine needs goes through these targets.
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
STAMP   = $(VENV)/.installed
OUT    ?= out/demo
PREFIX ?= $(HOME)/.local

.PHONY: demo install test browser libreoffice calc fonts valgrind lint typecheck bench generalize samples pdfs office-samples scans goldens clean

## rapidocr_onnxruntime requires opencv-python, the desktop build (it needs libGL, which a server
## may lack); both builds install the same cv2 package, and whichever comes last wins. The
## headless build is put back over it, so OCR needs no graphics library.
$(STAMP): pyproject.toml Makefile
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	$(BIN)/pip uninstall --quiet --yes opencv-python
	$(BIN)/pip install --quiet --force-reinstall --no-deps \
	  "opencv-python-headless==$$($(BIN)/python -c 'import importlib.metadata as m; print(m.version("opencv-python-headless"))')"
	touch $(STAMP)

## demo: set up and ingest the bundled sample documents into $(OUT), then print the summary.
## Only the documents: the builder scripts (build/), the golden files (expected/) and the README
## are left out with --exclude. Exit code 1 means "done, some files failed": sample_docs holds
## deliberately broken, encrypted and scanned uploads, so 1 is what the demo expects.
demo: $(STAMP)
	rm -rf $(OUT)
	$(BIN)/jixiao ingest sample_docs --exclude build --exclude expected --exclude README.md --out $(OUT) \
	  || [ $$? -eq 1 ]
	@echo "next: . $(VENV)/bin/activate (or make install), then jixiao --help"

## install: set up and link jixiao into $(PREFIX)/bin (default ~/.local/bin), so plain `jixiao`
## works in every shell (the link points into $(VENV); `make clean` removes both)
install: $(STAMP)
	mkdir -p $(PREFIX)/bin
	ln -sf $(abspath $(BIN))/jixiao $(PREFIX)/bin/jixiao
	@case ":$$PATH:" in *":$(PREFIX)/bin:"*) echo "jixiao → $(PREFIX)/bin/jixiao";; \
	  *) echo "jixiao → $(PREFIX)/bin/jixiao; add $(PREFIX)/bin to PATH: export PATH=\"$(PREFIX)/bin:\$$PATH\"";; esac

## browser: Debian's chromium, for the HTML report's browser tests (apt-installed when missing)
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	  else echo "the report tests need Debian's chromium: sudo apt-get install chromium" >&2; exit 1; fi; }

## libreoffice: LibreOffice Writer (no GUI) and its Python bridge, which convert .doc/.wps/.rtf
## (apt-installed when missing; Calc is needed only to rebuild the spreadsheet samples)
libreoffice:
	@{ command -v soffice >/dev/null 2>&1 && /usr/bin/python3 -c 'import uno' 2>/dev/null; } || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	    --no-install-recommends libreoffice-writer-nogui python3-uno; \
	  else echo "the legacy Word tests need LibreOffice: sudo apt-get install libreoffice-writer-nogui python3-uno" >&2; exit 1; fi; }

## calc: LibreOffice Calc (no GUI), which bench/inbox.py saves its .xls corpus with and
## `make office-samples` rebuilds the spreadsheet samples with (apt-installed when missing)
calc: libreoffice
	@dpkg -s libreoffice-calc-nogui >/dev/null 2>&1 || dpkg -s libreoffice-calc >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	    --no-install-recommends libreoffice-calc-nogui; \
	  else echo "the spreadsheet benchmark needs LibreOffice Calc: sudo apt-get install libreoffice-calc-nogui" >&2; exit 1; fi; }

## fonts: the Noto CJK fonts LibreOffice prints Chinese with (generalization PDFs, make pdfs)
fonts:
	@fc-list :lang=zh family 2>/dev/null | grep -q . || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-noto-cjk; \
	  else echo "printing variants to PDF needs a Chinese font: sudo apt-get install fonts-noto-cjk" >&2; exit 1; fi; }

## valgrind: callgrind, which bench/instructions.py counts an ingest's instructions with
## (apt-installed when missing)
valgrind:
	@command -v valgrind >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq valgrind; \
	  else echo "counting instructions needs valgrind: sudo apt-get install valgrind" >&2; exit 1; fi; }

## test: set up, lint, type-check and run the whole test suite
test: $(STAMP) browser libreoffice
	$(BIN)/ruff check schemas parsers pipeline tests sample_docs bench
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/pytest -q

lint: $(STAMP)
	$(BIN)/ruff check schemas parsers pipeline tests sample_docs bench
	$(BIN)/lint-imports

typecheck: $(STAMP)
	$(BIN)/mypy

## bench: end-to-end throughput against the raw read of the same files (results printed)
bench: $(STAMP) calc fonts valgrind
	$(BIN)/python -m bench.run
	$(BIN)/python -m bench.batch
	$(BIN)/python -m bench.generalize
	$(BIN)/python -m bench.inbox
	$(BIN)/python -m bench.instructions
	$(BIN)/python -m bench.report
	$(BIN)/python -m bench.ocr

## generalize: read 600 held-out template variants against their plain renderings (cells equal,
## differing variants flagged, failures by knob); a share printed to PDF and a share of the
## workbooks saved as .xls, by LibreOffice
generalize: $(STAMP) calc fonts
	$(BIN)/python -m bench.generalize

## samples: rebuild sample_docs/*.docx from sample_docs/build/build.py (deterministic)
samples: $(STAMP)
	$(BIN)/python sample_docs/build/build.py

## pdfs: export sample_docs/*.docx to PDF and make the PDF-only samples (reproducible; needs
## LibreOffice, poppler-utils and the Noto CJK fonts — CI does not: the PDFs are committed)
pdfs: $(STAMP) libreoffice fonts
	$(BIN)/python sample_docs/build/export_pdf.py

## office-samples: the .doc/.wps/.rtf/.xlsx/.xls/.et/.ods samples (after `make samples`; needs
## LibreOffice Writer and Calc with python3-uno — CI does not: the samples are committed)
office-samples: $(STAMP) calc
	$(BIN)/python sample_docs/build/office_samples.py

## scans: the scanned and photographed samples (*.scan.pdf, *.photo.jpg/png) made from sample PDFs
## (deterministic: the same bytes every run)
scans: $(STAMP)
	$(BIN)/python sample_docs/build/scans.py

clean:
	rm -rf $(VENV) out .pytest_cache .mypy_cache .ruff_cache *.egg-info
