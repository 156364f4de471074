#!/usr/bin/env bash
# All tests: install what is missing, build, lint, then unit and integration tests
# (integration tests start their own redis-server processes on free loopback ports), then the CI
# subset of the fault matrix.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

scripts/setup.sh
swift build
swift format lint --strict -r --configuration .swift-format Sources Tests Package.swift
scripts/check-layout.sh
# The stub kubectl the Kubernetes tests rely on, checked against kubectl's real texts first.
bash Tests/stub-kubectl/test_stub.sh
swift test --disable-xctest "$@"
# One fault case per operation, fault kind and victim kind (kill/stop a master, a replica or rcadm
# mid-change under live writes; the whole matrix: scripts/faults.sh). Skipped when tests are filtered.
if [ $# -eq 0 ]; then
  scripts/faults.sh --ci
fi
