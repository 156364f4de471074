#!/usr/bin/env bash
# Layout rules the compiler cannot enforce (the module graph itself is Package.swift's):
# library messages never name a CLI flag; they name a Remedy or Setting that the CLI spells.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# A string literal with a space and a --flag in it is a message (arguments to other programs,
# like kubectl's "--context", are literals of their own, without a space). Comments are skipped.
# Not caught: a flag handed as its own literal to a function that builds the message.
libraries=$(ls -d Sources/*/ | grep -v -e RcadmCLI -e TestCluster -e TestSupport -e CEditLine)
offending=$(grep -rnP --include='*.swift' '^(?!\s*//).*"(?=[^"]* )[^"]*(?<![\w-])--[a-z][a-z-]+[^"]*"' $libraries || true)
# Nor a subcommand: "rcadm fix", "del-node" are the CLI's words too (a Remedy names the step).
commands='create|check|fix|reshard|rebalance|add-node|del-node|failover|info|call|set-timeout|sandbox|repl|exec|import|backup|restore'
offending+=$'\n'$(grep -rnP --include='*.swift' "^(?!\\s*//).*\"[^\"]*(rcadm ($commands)\\b|\\b(add-node|del-node|set-timeout)\\b)[^\"]*\"" $libraries || true)
offending=$(printf '%s\n' "$offending" | sed '/^$/d')
if [ -n "$offending" ]; then
  echo "Library messages must not name CLI flags or commands (use a Remedy or Setting from RedisCore):" >&2
  echo "$offending" >&2
  exit 1
fi
echo "layout: no library message names a CLI flag or command"
