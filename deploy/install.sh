#!/usr/bin/env bash
# Builds the release binary and installs it with its SQL and report templates:
#   PREFIX/bin/outcomes, PREFIX/share/outcomes/SQL, PREFIX/share/outcomes/Reports
# Usage: deploy/install.sh [PREFIX]   (default /usr/local)
set -euo pipefail
cd "$(dirname "$0")/.."
prefix="${1:-/usr/local}"
deploy/install-debian.sh
swift build -c release
install -d "$prefix/bin" "$prefix/share/outcomes"
install -m 0755 .build/release/outcomes "$prefix/bin/outcomes"
rm -rf "$prefix/share/outcomes/SQL" "$prefix/share/outcomes/Reports"
cp -R SQL "$prefix/share/outcomes/SQL"
mkdir -p "$prefix/share/outcomes/Reports"
cp -R Reports/templates Reports/style.css "$prefix/share/outcomes/Reports/" 2>/dev/null || cp -R Reports/. "$prefix/share/outcomes/Reports/"
rm -rf "$prefix/share/outcomes/Reports/site"
echo "Installed $prefix/bin/outcomes (SQL and templates in $prefix/share/outcomes)."
