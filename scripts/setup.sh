#!/usr/bin/env bash
# Sets up everything plandoc needs on a Debian 12 machine: the Debian packages
# (fonts, HarfBuzz subsetting, poppler, the second RELAX NG validator, pandoc for
# the benchmark) and a virtualenv in .venv with the Python packages.
# Idempotent: a second run only checks. Without root it names the missing apt line.
set -euo pipefail
cd "$(dirname "$0")/.."

DEB_PACKAGES="fonts-noto-cjk fonts-lxgw-wenkai libharfbuzz-subset0 poppler-utils jing pandoc python3-venv"
# The browser is only needed by the tests (make test sets PLANDOC_BROWSER=1).
if [ "${PLANDOC_BROWSER:-0}" = 1 ]; then
  # LibreOffice: the Word edition opens and converts; python3-uno makes a reviewed copy with it
  DEB_PACKAGES="$DEB_PACKAGES chromium libreoffice-writer-nogui python3-uno"
fi

missing=""
for p in $DEB_PACKAGES; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "setup: installing Debian packages:$missing" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends $missing >/dev/null
  else
    echo "setup: these Debian packages are missing; run as root:" >&2
    echo "  apt-get install -y --no-install-recommends$missing" >&2
    exit 2
  fi
fi

# 仿宋 for the print edition: FandolFang (GPL-3 with font exception, GB2312 coverage).
# Debian ships it only inside texlive-lang-chinese (49 MB, and texlive-base when
# installed), so the one .otf is extracted from the downloaded .deb instead of
# installing the package (docs/print.md says why it is not vendored).
FANDOL_DIR=/usr/local/share/fonts/plandoc-fandol
FANDOL="$FANDOL_DIR/FandolFang-Regular.otf"
if ! fc-list | grep -q "FandolFang"; then
  if [ "$(id -u)" = 0 ]; then
    echo "setup: extracting FandolFang from texlive-lang-chinese" >&2
    tmp=$(mktemp -d)
    (cd "$tmp" && apt-get download -qq texlive-lang-chinese 2>/dev/null \
      || { apt-get update -qq && apt-get download -qq texlive-lang-chinese; })
    dpkg-deb -x "$tmp"/texlive-lang-chinese_*.deb "$tmp/x"
    mkdir -p "$FANDOL_DIR"
    cp "$tmp"/x/usr/share/texlive/texmf-dist/fonts/opentype/public/fandol/FandolFang-Regular.otf "$FANDOL"
    zcat "$tmp"/x/usr/share/doc/texlive-doc/fonts/fandol/COPYING.gz > "$FANDOL_DIR/COPYING"
    cp "$tmp"/x/usr/share/doc/texlive-doc/fonts/fandol/README "$FANDOL_DIR/README"
    rm -rf "$tmp"
    fc-cache -f "$FANDOL_DIR" >/dev/null
  else
    echo "setup: the 仿宋 font FandolFang is missing; run scripts/setup.sh as root once" >&2
    exit 2
  fi
fi

PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  echo "setup: creating .venv" >&2
  "$PY" -m venv .venv
fi
stamp=.venv/.plandoc-installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  echo "setup: installing Python packages into .venv" >&2
  .venv/bin/python -m pip install -q --upgrade pip 'setuptools>=77'  # setuptools: the wheel test builds without isolation
  .venv/bin/python -m pip install -q -e '.[test]'
  touch "$stamp"
fi
