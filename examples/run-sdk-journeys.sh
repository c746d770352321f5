#!/usr/bin/env bash
# Runs the Kotlin and Python journeys of examples/ against a HerLead server at $1 (default
# http://127.0.0.1:8080), with the SDK library from $CARGO_TARGET_DIR (default target/):
# the debug build (`cargo build -p herlead-sdk`, which CI's `cargo xtask bindings --check` makes)
# unless HERLEAD_SDK_PROFILE=release (`cargo build --release -p herlead-sdk`).
#
# Needs: java, python3, kotlinc with kotlin-stdlib and kotlinx-coroutines-core-jvm (the npm
# package kotlin-compiler; set KOTLIN_HOME to its folder), JNA (Debian's libjna-java).
set -euo pipefail
cd "$(dirname "$0")/.."
server="${1:-http://127.0.0.1:8080}"
target="${CARGO_TARGET_DIR:-target}"
profile="${HERLEAD_SDK_PROFILE:-debug}"
case "$profile" in
  debug) build="cargo build -p herlead-sdk" ;;
  release) build="cargo build --release -p herlead-sdk" ;;
  *) echo "HERLEAD_SDK_PROFILE must be debug or release, not '$profile'" >&2; exit 2 ;;
esac
library="$target/$profile/libherlead_sdk.so"
kotlin_home="${KOTLIN_HOME:-/var/cache/herlead-tools/node_modules/kotlin-compiler}"
jna="${JNA_JAR:-/usr/share/java/jna.jar}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
[ -f "$library" ] || { echo "no $library: build the SDK first ($build)" >&2; exit 1; }
echo "== SDK library: $library"

# The journeys' coach registers through the SDK; the operator then makes her a coach on the
# server host with `herlead admin grant-coach`, which works on the server's database: so the
# coach part needs the server's HERLEAD_DATABASE_URL (and its binary, HERLEAD_BIN, default the
# debug build). Without it the coach part is skipped (outside CI).
if [ -n "${HERLEAD_DATABASE_URL:-}" ]; then
  herlead=$(realpath "${HERLEAD_BIN:-$target/debug/herlead}")
  [ -x "$herlead" ] || { echo "no server binary at $herlead: build it (cargo build -p herlead-server)" >&2; exit 1; }
  cat >"$work/grant-coach" <<GRANT
#!/usr/bin/env bash
cd "$work" && RUST_LOG=warn exec "$herlead" admin grant-coach --email "\$1"
GRANT
  chmod +x "$work/grant-coach"
  export HERLEAD_JOURNEY_GRANT_COACH="$work/grant-coach"
fi

echo "== Python"
cp bindings/python/src/herlead_core.py bindings/python/src/herlead_sdk.py bindings/python/src/herlead_streams.py \
  "$library" "$work/"
PYTHONPATH="$work" python3 examples/python/journey.py "$server"

echo "== Kotlin"
classpath="$jna:$kotlin_home/lib/kotlinx-coroutines-core-jvm.jar"
"$kotlin_home/bin/kotlinc" -nowarn -cp "$classpath" \
  bindings/kotlin/src/main/kotlin/org/herlead/core/herlead_core.kt \
  bindings/kotlin/src/main/kotlin/org/herlead/sdk/herlead_sdk.kt \
  bindings/kotlin/src/main/kotlin/org/herlead/sdk/Streams.kt examples/kotlin/Journey.kt \
  -d "$work/journey.jar" 2>&1 | grep -v '^warning' || true
[ -f "$work/journey.jar" ] || { echo "kotlinc failed" >&2; exit 1; }
java -Djna.library.path="$(dirname "$library")" \
  -cp "$work/journey.jar:$classpath:$kotlin_home/lib/kotlin-stdlib.jar" JourneyKt "$server"
