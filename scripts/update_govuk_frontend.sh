#!/usr/bin/env bash
# Vendor GOV.UK Frontend into the package, built without GOV.UK's brand, and axe-core into the
# browser tests.
#
# Installs the npm packages into a temporary folder (nothing is left in the repository but the
# copied and built files), and records the versions. Commit the result: a fresh machine, and
# CI, then need only pip (see README). Run it again to change versions:
#   scripts/update_govuk_frontend.sh [GOVUK_FRONTEND_VERSION] [AXE_CORE_VERSION] [SASS_VERSION]
# Keep GOV.UK Frontend on the major version the govuk-frontend-jinja macros target
# (govuk-frontend-jinja 4.1 targets GOV.UK Frontend 6.3).
#
# Two sets of assets, served at /assets/ (hub/web/shared/assets.py chooses by HUB_ON_GOV_UK):
# - hub/web/static/govuk: what every hub serves. The CSS is built from GOV.UK Frontend's Sass
#   (scripts/govuk_frontend/hub.scss): a system font stack, so no GDS Transport @font-face and
#   no font files; the crest in the footer's copyright logo left out; the hub's own icons under
#   GOV.UK Frontend's file names (scripts/make_hub_icons.py). A service that is not on GOV.UK may
#   not use GOV.UK's brand (GOV.UK Frontend's page "Using GOV.UK Frontend without GOV.UK
#   branding").
# - hub/web/static/govuk-on-gov-uk: GOV.UK Frontend's precompiled CSS, fonts and crown images,
#   served only by a deployment that runs on GOV.UK (HUB_ON_GOV_UK=true).
set -euo pipefail
cd "$(dirname "$0")/.."

GOVUK_VERSION=${1:-6.3.0}
AXE_VERSION=${2:-4.14.1}
SASS_VERSION=${3:-1.108.2}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
npm install --prefix "$tmp" --no-audit --no-fund --ignore-scripts --no-save \
  "govuk-frontend@$GOVUK_VERSION" "axe-core@$AXE_VERSION" "sass@$SASS_VERSION" >&2

src="$tmp/node_modules/govuk-frontend/dist/govuk"
installed=$(node -p "require('$tmp/node_modules/govuk-frontend/package.json').version")

# The hub's own: built CSS, GOV.UK Frontend's JS and manifest, the hub's icons.
dest=hub/web/static/govuk
rm -rf "$dest"
mkdir -p "$dest/images"
"$tmp/node_modules/.bin/sass" --load-path="$tmp/node_modules" --load-path=scripts/govuk_frontend \
  --style=compressed --no-source-map scripts/govuk_frontend/hub.scss "$dest/govuk-frontend.min.css"
cp "$src/govuk-frontend.min.js" "$src/assets/manifest.json" "$dest/"
python3 scripts/make_hub_icons.py "$dest/images"
# The package ships no licence file: GOV.UK Frontend is MIT licensed (code) and its images
# and fonts are © Crown copyright (see its README).
cp "$tmp/node_modules/govuk-frontend/README.md" "$dest/README.md"
echo "$installed" > "$dest/VERSION"

# GOV.UK's own, for a service on GOV.UK only.
on_gov_uk=hub/web/static/govuk-on-gov-uk
rm -rf "$on_gov_uk"
mkdir -p "$on_gov_uk"
cp "$src/govuk-frontend.min.css" "$src/govuk-frontend.min.js" "$on_gov_uk/"
cp -R "$src/assets/fonts" "$src/assets/images" "$src/assets/manifest.json" "$on_gov_uk/"
cp "$tmp/node_modules/govuk-frontend/README.md" "$on_gov_uk/README.md"
echo "$installed" > "$on_gov_uk/VERSION"

axe_dest=tests/browser/vendor
mkdir -p "$axe_dest"
cp "$tmp/node_modules/axe-core/axe.min.js" "$axe_dest/axe.min.js"
cp "$tmp/node_modules/axe-core/LICENSE" "$axe_dest/AXE_LICENSE"
node -p "require('$tmp/node_modules/axe-core/package.json').version" > "$axe_dest/AXE_VERSION"

echo "govuk-frontend $installed -> $dest (built, sass $SASS_VERSION) and $on_gov_uk;" \
  "axe-core $(cat "$axe_dest/AXE_VERSION") -> $axe_dest" >&2
