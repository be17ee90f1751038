#!/usr/bin/env bash
# Installs the Debian packages typeset needs, only when one is missing (idempotent, fast when done).
# Tried on an empty Debian 12 root (debootstrap --variant=minbase) that had only git and make:
# everything else `make demo` and `make test` need is listed here (README, "Fresh machine").
set -euo pipefail
PACKAGES=(
  python3 python3-venv    # the interpreter; venv and ensurepip make .lock-tool/ and .venv/
  fontconfig              # fc-cache, and the font lookup WeasyPrint's Pango uses
  fonts-noto-cjk          # Noto Serif/Sans CJK SC: 宋 body, 黑 headings
  fonts-lxgw-wenkai       # LXGW WenKai: 楷 lead sentences
  fonts-symbola           # Symbola: fallback for emoji and symbols the CJK fonts lack (vector, black)
  fonts-dejavu-core       # DejaVu Sans Mono: web addresses and command lines
  libpango-1.0-0 libpangoft2-1.0-0   # WeasyPrint's text layout
  libharfbuzz-subset0     # fast, reproducible font subsetting (25x slower without)
  poppler-utils           # pdftotext, pdffonts, pdftoppm for tests and checks
  qpdf                    # structural PDF check in tests
  libgs-common            # a generic CMYK ICC profile for the press edition's PDF/X output intent
  default-jre-headless    # Java for EPUBCheck, jing and the Nu Html Checker
  jing                    # RELAX NG validator: the OPDS feeds against tests/fixtures/opds/opds-1.2.rnc
  chromium chromium-driver  # the members' library's browser tests (headless, driven by Selenium)
)
# `make check-site` only (argument "site"): Node.js and npm for the pinned validators of
# tools/site-check. Any node already on PATH is kept (with its own npm); otherwise Debian's
# nodejs 18.20 and npm 9.2: Ace 1.4.6 declares node >= 20 but runs on 18.20 (tried, 0 violations).
if [ "${1:-}" = site ]; then
  if command -v node >/dev/null && command -v npm >/dev/null; then
    exit 0
  fi
  PACKAGES=(nodejs npm)
fi
missing=()
for pkg in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
echo "正在安装 Debian 软件包：${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if ! command -v sudo >/dev/null; then
    echo "错误：安装 Debian 软件包需要 root 权限：请用 root 运行 make，或先安装 sudo" >&2
    exit 1
  fi
  SUDO="sudo"
fi
$SUDO apt-get update -qq
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fc-cache -f >/dev/null 2>&1 || true
