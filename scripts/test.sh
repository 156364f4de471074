#!/usr/bin/env bash
# All tests: install what is missing, build, lint, then unit and integration tests
# (integration tests start their own redis-server processes on free loopback ports).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

scripts/setup.sh
swift build
swift format lint --strict -r --configuration .swift-format Sources Tests Package.swift
# The stub kubectl the Kubernetes tests rely on, checked against kubectl's real texts first.
bash Tests/stub-kubectl/test_stub.sh
swift test --disable-xctest "$@"
