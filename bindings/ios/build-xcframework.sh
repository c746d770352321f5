#!/usr/bin/env bash
# Builds bindings/swift/HerLeadFFI.xcframework, the Rust half of the Swift package in
# bindings/swift, from crates/sdk: a static library for iOS devices (aarch64-apple-ios), one
# for the iOS simulator (aarch64-apple-ios-sim and x86_64-apple-ios, joined with lipo) and,
# with --macos, one for macOS (aarch64-apple-darwin and x86_64-apple-darwin), each with the C
# headers and module maps of the two FFI modules (HerLeadFFI, HerLeadCoreFFI).
#
# It also generates the Swift sources from the device library, with the repo's own uniffi
# bindgen and config (the way `cargo xtask bindings` does), and fails if they differ from the
# checked-in bindings/swift/Sources/HerLead: the package must not mix Swift sources of one
# version of the SDK with a library of another.
#
# Needs macOS with Xcode (xcodebuild, lipo) and the Rust targets:
#   rustup target add aarch64-apple-ios aarch64-apple-ios-sim x86_64-apple-ios
#   (with --macos also aarch64-apple-darwin x86_64-apple-darwin)
# Not run in CI: there is no Xcode there.
#
# Usage: bindings/ios/build-xcframework.sh [--macos] [--debug]
# Environment: CARGO_TARGET_DIR (default target), HERLEAD_SDK_FEATURES (extra cargo features
# of herlead-sdk, comma-separated), IPHONEOS_DEPLOYMENT_TARGET (default 15.0) and
# MACOSX_DEPLOYMENT_TARGET (default 12.0), which match bindings/swift/Package.swift.
set -euo pipefail
cd "$(dirname "$0")/../.."

macos=false
profile=release
for arg in "$@"; do
  case "$arg" in
    --macos) macos=true ;;
    --debug) profile=debug ;;
    -h | --help)
      sed -n '2,/^set -euo/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//'
      exit 0
      ;;
    *)
      echo "unknown argument: $arg (try --help)" >&2
      exit 2
      ;;
  esac
done

if [ "$(uname -s)" != Darwin ] || ! command -v xcodebuild >/dev/null 2>&1; then
  echo "this script needs macOS with Xcode (xcodebuild, lipo)" >&2
  exit 1
fi

export IPHONEOS_DEPLOYMENT_TARGET="${IPHONEOS_DEPLOYMENT_TARGET:-15.0}"
export MACOSX_DEPLOYMENT_TARGET="${MACOSX_DEPLOYMENT_TARGET:-12.0}"
target_dir="${CARGO_TARGET_DIR:-target}"
out=bindings/swift/HerLeadFFI.xcframework
lib=libherlead_sdk.a

targets=(aarch64-apple-ios aarch64-apple-ios-sim x86_64-apple-ios)
if $macos; then
  targets+=(aarch64-apple-darwin x86_64-apple-darwin)
fi

if command -v rustup >/dev/null 2>&1; then
  installed=$(rustup target list --installed)
  for t in "${targets[@]}"; do
    grep -qx "$t" <<<"$installed" || {
      echo "the Rust target $t is missing: rustup target add $t" >&2
      exit 1
    }
  done
fi

cargo_flags=(--locked -p herlead-sdk --lib --crate-type staticlib)
[ "$profile" = release ] && cargo_flags+=(--release)
[ -n "${HERLEAD_SDK_FEATURES:-}" ] && cargo_flags+=(--features "$HERLEAD_SDK_FEATURES")

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

for t in "${targets[@]}"; do
  echo "== cargo rustc --target $t ($profile)"
  # The crate's own crate-type list is cdylib + lib (for the JVM, Android and Python); Apple
  # platforms link a static library, so it is asked for here.
  cargo rustc "${cargo_flags[@]}" --target "$t"
done
built() { echo "$target_dir/$1/$profile/$lib"; }

echo "== Swift sources and headers (uniffi-bindgen, uniffi-bindgen/uniffi.toml)"
cargo run --locked --quiet -p uniffi-bindgen -- generate --no-format \
  --library "$(built aarch64-apple-ios)" \
  --config uniffi-bindgen/uniffi.toml --language swift --out-dir "$work/swift"

# The checked-in copies carry one header line that `cargo xtask bindings` adds.
stale=()
for generated in "$work"/swift/*; do
  name=$(basename "$generated")
  checked_in="bindings/swift/Sources/HerLead/$name"
  if [ ! -f "$checked_in" ] || ! tail -n +2 "$checked_in" | cmp -s - "$generated"; then
    stale+=("$checked_in")
  fi
done
if [ ${#stale[@]} -gt 0 ]; then
  echo "these files do not match the library just built:" >&2
  printf '  %s\n' "${stale[@]}" >&2
  echo "regenerate them with \`cargo xtask bindings\` (on Linux, as CI does) from this commit" >&2
  exit 1
fi

# One folder per C module, named after it: Swift finds Headers/<Module>/module.modulemap by
# the module's name, and two XCFrameworks that each put a module.modulemap straight into
# Headers/ would collide when Xcode copies their headers into one include folder.
headers="$work/headers"
for module in HerLeadFFI HerLeadCoreFFI; do
  mkdir -p "$headers/$module"
  cp "$work/swift/$module.h" "$headers/$module/"
  cp "$work/swift/$module.modulemap" "$headers/$module/module.modulemap"
done

echo "== lipo: one library per platform"
mkdir -p "$work/ios" "$work/ios-simulator"
cp "$(built aarch64-apple-ios)" "$work/ios/$lib"
lipo -create "$(built aarch64-apple-ios-sim)" "$(built x86_64-apple-ios)" \
  -output "$work/ios-simulator/$lib"
slices=(-library "$work/ios/$lib" -headers "$headers"
  -library "$work/ios-simulator/$lib" -headers "$headers")
if $macos; then
  mkdir -p "$work/macos"
  lipo -create "$(built aarch64-apple-darwin)" "$(built x86_64-apple-darwin)" \
    -output "$work/macos/$lib"
  slices+=(-library "$work/macos/$lib" -headers "$headers")
fi

echo "== xcodebuild -create-xcframework"
rm -rf "$out"
xcodebuild -create-xcframework "${slices[@]}" -output "$out"
echo "built $out; add bindings/swift to the app as a Swift package (see docs/ios.md)"
