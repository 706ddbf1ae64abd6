#!/usr/bin/env bash
# Vendor the built GOV.UK Frontend assets into the package, and axe-core into the browser tests.
#
# Installs the npm packages into a temporary folder (nothing is left in the repository but the
# copied files), copies what the pages serve, and records the versions. Commit the result: a
# fresh machine then needs only pip (see README). Run it again to change versions:
#   scripts/update_govuk_frontend.sh [GOVUK_FRONTEND_VERSION] [AXE_CORE_VERSION]
# Keep GOV.UK Frontend on the major version the govuk-frontend-jinja macros target
# (govuk-frontend-jinja 4.1 targets GOV.UK Frontend 6.3).
set -euo pipefail
cd "$(dirname "$0")/.."

GOVUK_VERSION=${1:-6.3.0}
AXE_VERSION=${2:-4.14.1}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
npm install --prefix "$tmp" --no-audit --no-fund --ignore-scripts --no-save \
  "govuk-frontend@$GOVUK_VERSION" "axe-core@$AXE_VERSION" >&2

src="$tmp/node_modules/govuk-frontend/dist/govuk"
dest=hub/web/static/govuk
rm -rf "$dest"
mkdir -p "$dest"
cp "$src/govuk-frontend.min.css" "$src/govuk-frontend.min.js" "$dest/"
cp -R "$src/assets/fonts" "$src/assets/images" "$src/assets/manifest.json" "$dest/"
# The package ships no licence file: GOV.UK Frontend is MIT licensed (code) and its images
# and fonts are © Crown copyright (see its README).
cp "$tmp/node_modules/govuk-frontend/README.md" "$dest/README.md"
installed=$(node -p "require('$tmp/node_modules/govuk-frontend/package.json').version")
echo "$installed" > "$dest/VERSION"

axe_dest=tests/browser/vendor
mkdir -p "$axe_dest"
cp "$tmp/node_modules/axe-core/axe.min.js" "$axe_dest/axe.min.js"
cp "$tmp/node_modules/axe-core/LICENSE" "$axe_dest/AXE_LICENSE"
node -p "require('$tmp/node_modules/axe-core/package.json').version" > "$axe_dest/AXE_VERSION"

echo "govuk-frontend $installed -> $dest; axe-core $(cat "$axe_dest/AXE_VERSION") -> $axe_dest" >&2
