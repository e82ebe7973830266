"""What every function runs on, and so what the dependency layer is built for (one place).

No CDK import here: `scripts/build-deps-layer.sh` and `make lock` read it with a bare interpreter
(`python -m infra.lambda_target` prints the Python version and uv's wheel platform).
"""

from __future__ import annotations

# Graviton: about 20% cheaper per GB-second than x86_64 and as fast for this code (DESIGN.md's budgets).
ARCHITECTURE = "arm64"
PYTHON_VERSION = "3.13"
# uv's `--python-platform` for the manylinux wheels Lambda's Amazon Linux 2023 runs.
WHEEL_PLATFORM = {"arm64": "aarch64-manylinux2014", "x86_64": "x86_64-manylinux2014"}[ARCHITECTURE]

if __name__ == "__main__":
    print(PYTHON_VERSION, WHEEL_PLATFORM)
