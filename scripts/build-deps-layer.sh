#!/usr/bin/env bash
# Builds the dependency layer without Docker: the locked wheels (requirements/layer.lock, hashes
# checked) for the functions' architecture and Python version (infra/lambda_target.py).
set -euo pipefail
cd "$(dirname "$0")/.."
python="${PYTHON:-.venv/bin/python}"
read -r python_version wheel_platform < <("$python" -m infra.lambda_target)
out=.build/deps-layer
stamp="$out/.built-from"
built_from="$(cat requirements/layer.lock; echo "$python_version $wheel_platform")"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$built_from" ]; then exit 0; fi
rm -rf "$out"
mkdir -p "$out/python"
# --no-deps: the lock is the whole list (boto3 and its dependencies come with the Lambda runtime).
"$python" -m uv pip install -q --no-deps --require-hashes --target "$out/python" \
  --python-version "$python_version" --python-platform "$wheel_platform" --only-binary :all: \
  -r requirements/layer.lock
rm -rf "$out"/python/bin
find "$out/python" -name "__pycache__" -prune -exec rm -rf {} +
rm -rf "$out"/python/*.dist-info/RECORD
printf '%s' "$built_from" > "$stamp"
echo "dependency layer built in $out ($wheel_platform, Python $python_version)"
