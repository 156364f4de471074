#!/usr/bin/env bash
# The whole test suite: build, lint, docs freshness, unit + integration tests on real redis-server.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

for tool in redis-server redis-cli python3; do
  command -v "$tool" >/dev/null || { echo "test.sh: $tool is missing (Debian: apt-get install redis-server redis-tools python3)" >&2; exit 2; }
done

swift build
swift format lint --strict -r --configuration .swift-format Sources Tests Package.swift
# Swift Testing runs the suites; integration tests start their own redis-server processes.
swift test --disable-xctest "$@"
