#!/usr/bin/env bash
# Runs the Kotlin and Python journeys of examples/ against a HerLead server at $1 (default
# http://127.0.0.1:8080), with the SDK library built by `cargo build -p herlead-sdk`.
#
# Needs: java, python3, kotlinc with kotlin-stdlib and kotlinx-coroutines-core-jvm (the npm
# package kotlin-compiler; set KOTLIN_HOME to its folder), JNA (Debian's libjna-java).
set -euo pipefail
cd "$(dirname "$0")/.."
server="${1:-http://127.0.0.1:8080}"
target="${CARGO_TARGET_DIR:-target}"
library="$target/debug/libherlead_sdk.so"
kotlin_home="${KOTLIN_HOME:-/var/cache/herlead-tools/node_modules/kotlin-compiler}"
jna="${JNA_JAR:-/usr/share/java/jna.jar}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
[ -f "$library" ] || { echo "build the SDK first: cargo build -p herlead-sdk" >&2; exit 1; }

echo "== Python"
cp bindings/python/src/herlead_core.py bindings/python/src/herlead_sdk.py "$library" "$work/"
PYTHONPATH="$work" python3 examples/python/journey.py "$server"

echo "== Kotlin"
classpath="$jna:$kotlin_home/lib/kotlinx-coroutines-core-jvm.jar"
"$kotlin_home/bin/kotlinc" -nowarn -cp "$classpath" \
  bindings/kotlin/src/main/kotlin/org/herlead/core/herlead_core.kt \
  bindings/kotlin/src/main/kotlin/org/herlead/sdk/herlead_sdk.kt examples/kotlin/Journey.kt \
  -d "$work/journey.jar" 2>&1 | grep -v '^warning' || true
[ -f "$work/journey.jar" ] || { echo "kotlinc failed" >&2; exit 1; }
java -Djna.library.path="$(dirname "$library")" \
  -cp "$work/journey.jar:$classpath:$kotlin_home/lib/kotlin-stdlib.jar" JourneyKt "$server"
