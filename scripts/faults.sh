#!/usr/bin/env bash
# Fault-injection matrix for rcadm (see scripts/faults.py); RCADM_BIN picks the binary.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
exec python3 scripts/faults.py "$@"
