#!/usr/bin/env bash
# Builds the dependency layer without Docker: manylinux wheels for the Lambda runtime.
set -euo pipefail
cd "$(dirname "$0")/.."
out=.build/deps-layer
stamp="$out/.requirements"
if [ -f "$stamp" ] && cmp -s layers/requirements.txt "$stamp"; then exit 0; fi
rm -rf "$out"
mkdir -p "$out/python"
"${PYTHON:-.venv/bin/python}" -m pip install -q --disable-pip-version-check \
  -r layers/requirements.txt -t "$out/python" \
  --platform manylinux2014_x86_64 --only-binary=:all: --python-version 3.13 --implementation cp 2>&1 \
  | grep -v "^WARNING: Location" || true
# The Lambda runtime already ships boto3/botocore (pulled in by aws-xray-sdk): keep the layer small.
rm -rf "$out"/python/botocore* "$out"/python/boto3* "$out"/python/s3transfer* "$out"/python/urllib3* "$out"/python/bin
find "$out/python" -name "__pycache__" -prune -exec rm -rf {} +
rm -rf "$out"/python/*.dist-info/RECORD
cp layers/requirements.txt "$stamp"
echo "dependency layer built in $out"
