#!/bin/sh
# Copy the sourced USSR record into the package, byte for byte, and check the copy.
#
#   scripts/bundle-record.sh [FOLDER]
#
# FOLDER is the record's source folder (series.csv, sources.csv, documents.csv, README.md);
# by default ../shared/data/ussr next to the repository. The package must run without that
# folder, so the files are bundled under src/gosplan/scenarios/data/ussr; the test
# tests/scenarios/test_record.py::test_bundle_equals_the_shared_record checks that they
# are still identical wherever the folder exists.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
source=${1:-"$root/../shared/data/ussr"}
target="$root/src/gosplan/scenarios/data/ussr"
files="series.csv sources.csv documents.csv README.md"
for f in $files; do
    if [ ! -f "$source/$f" ]; then
        echo "bundle-record: $source/$f: no such file (expected the record's $f)" >&2
        exit 2
    fi
done
for f in $files; do
    cp "$source/$f" "$target/$f.tmp"
    mv "$target/$f.tmp" "$target/$f"
    cmp -s "$source/$f" "$target/$f" || { echo "bundle-record: $target/$f differs from $source/$f" >&2; exit 1; }
done
echo "bundled $files from $source"
