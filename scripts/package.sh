#!/usr/bin/env bash
# dist/gridgov.zip, the zip plugins.qgis.org takes, built by qgis-plugin-ci from the committed HEAD.
#
# qgis-plugin-ci archives `plugin_path` from a git repository and names the zip's folder after it;
# this repository's root IS the plugin folder, so the committed tree (without what .gitattributes
# marks export-ignore: tests, scripts, CI, docs) is staged as `gridgov/` in a throw-away repository
# and packaged there with the configuration in .qgis-plugin-ci. The version comes from metadata.txt,
# the changelog entries from CHANGELOG.md.
set -euo pipefail
cd "$(dirname "$0")/.."
QPC=${QPC:-qgis-plugin-ci}
stage=.build/package
rm -rf "$stage" && mkdir -p "$stage" dist
git archive --prefix=gridgov/ HEAD | tar -x -C "$stage"
git show HEAD:.qgis-plugin-ci > "$stage/.qgis-plugin-ci"
git show HEAD:CHANGELOG.md > "$stage/CHANGELOG.md"
version=$(sed -n 's/^version=//p' "$stage/gridgov/metadata.txt")
(
  cd "$stage"
  git init -q
  git -c user.name=gridgov -c user.email=gridgov@localhost add -A
  git -c user.name=gridgov -c user.email=gridgov@localhost commit -q -m "gridgov $version"
  "$QPC" package "$version" --disable-submodule-update > package.log 2>&1 || { cat package.log; exit 1; }
)
mv "$stage/gridgov.$version.zip" dist/gridgov.zip
echo "dist/gridgov.zip (version $version, $(du -k dist/gridgov.zip | cut -f1) kB)"
