#!/usr/bin/env bash
# Debian packages threadlens needs beyond Python: Noto fonts for the PDF timeline (emoji, Arabic, CJK),
# and, with --test, Chromium and poppler for the browser and PDF tests. Installs only what is missing.
set -euo pipefail
packages=(fontconfig fonts-noto-core fonts-noto-cjk fonts-noto-color-emoji)
if [ "${1:-}" = "--test" ]; then
  packages+=(chromium poppler-utils)
fi
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
  echo "threadlens: please install these Debian packages: ${missing[*]}" >&2
  exit 0
fi
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
