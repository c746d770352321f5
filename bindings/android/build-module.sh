#!/usr/bin/env bash
# Assembles the HerLead SDK as an Android library module in DEST (for example
# ../my-app/herlead, then `include(":herlead")` in the app's settings.gradle.kts):
#   - build.gradle.kts, consumer-rules.pro and src/main/AndroidManifest.xml from
#     bindings/android/herlead, copied only when DEST lacks them (after that they are the
#     app's to edit);
#   - src/main/kotlin/org/herlead/{sdk,core}: the generated bindings from bindings/kotlin,
#     replaced on every run;
#   - src/main/jniLibs/<abi>/libherlead_sdk.so for each ABI, built with cargo-ndk and the SDK's
#     `bundled-roots` feature (HTTPS trusts Mozilla's roots compiled into the library, so the
#     app needs no JNI setup for certificate checks), replaced on every run.
#
# Needs the Android NDK (ANDROID_NDK_HOME, or the newest NDK under Android Studio's default
# SDK folder), cargo-ndk (cargo install --locked cargo-ndk@4.1.2) and the Rust targets:
#   rustup target add aarch64-linux-android armv7-linux-androideabi x86_64-linux-android
# Not run in CI: there is no Android NDK there. See docs/android.md.
#
# Usage: bindings/android/build-module.sh DEST
# Environment: HERLEAD_ANDROID_ABIS (default "arm64-v8a armeabi-v7a x86_64"; "x86" works too),
# HERLEAD_SDK_PROFILE (release, the default, or debug), CARGO_TARGET_DIR.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)

case "${1:-}" in
  "" | -h | --help)
    sed -n '2,/^set -euo/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//'
    [ -n "${1:-}" ] && exit 0
    exit 2
    ;;
esac
mkdir -p "$1"
dest=$(cd "$1" && pwd)

read -r -a abis <<<"${HERLEAD_ANDROID_ABIS:-arm64-v8a armeabi-v7a x86_64}"
profile="${HERLEAD_SDK_PROFILE:-release}"
case "$profile" in
  release) profile_flag=(--release) ;;
  # An empty array: bash 3.2 (macOS's) needs the ${a[@]+…} form below under set -u.
  debug) profile_flag=() ;;
  *)
    echo "HERLEAD_SDK_PROFILE must be release or debug, not '$profile'" >&2
    exit 2
    ;;
esac

command -v cargo-ndk >/dev/null 2>&1 || {
  echo "cargo-ndk is missing: cargo install --locked cargo-ndk@4.1.2" >&2
  exit 1
}
ndk_targets=()
triples=()
for abi in "${abis[@]}"; do
  case "$abi" in
    arm64-v8a) triples+=(aarch64-linux-android) ;;
    armeabi-v7a) triples+=(armv7-linux-androideabi) ;;
    x86_64) triples+=(x86_64-linux-android) ;;
    x86) triples+=(i686-linux-android) ;;
    *)
      echo "unknown Android ABI: $abi (arm64-v8a, armeabi-v7a, x86_64 or x86)" >&2
      exit 2
      ;;
  esac
  ndk_targets+=(-t "$abi")
done
if command -v rustup >/dev/null 2>&1; then
  installed=$(rustup target list --installed)
  for t in "${triples[@]}"; do
    grep -qx "$t" <<<"$installed" || {
      echo "the Rust target $t is missing: rustup target add $t" >&2
      exit 1
    }
  done
fi

echo "== module files (kept if present)"
for f in build.gradle.kts consumer-rules.pro src/main/AndroidManifest.xml; do
  if [ ! -e "$dest/$f" ]; then
    mkdir -p "$(dirname "$dest/$f")"
    cp "$repo/bindings/android/herlead/$f" "$dest/$f"
    echo "  added $f"
  fi
done

echo "== generated Kotlin bindings"
rm -rf "$dest/src/main/kotlin/org/herlead"
mkdir -p "$dest/src/main/kotlin/org"
cp -R "$repo/bindings/kotlin/src/main/kotlin/org/herlead" "$dest/src/main/kotlin/org/"

echo "== libherlead_sdk.so for ${abis[*]} ($profile, bundled-roots)"
rm -f "$dest"/src/main/jniLibs/*/libherlead_sdk.so
(cd "$repo" && cargo ndk "${ndk_targets[@]}" -o "$dest/src/main/jniLibs" \
  build --locked ${profile_flag[@]+"${profile_flag[@]}"} -p herlead-sdk --features bundled-roots)
for abi in "${abis[@]}"; do
  [ -f "$dest/src/main/jniLibs/$abi/libherlead_sdk.so" ] || {
    echo "cargo-ndk left no $dest/src/main/jniLibs/$abi/libherlead_sdk.so" >&2
    exit 1
  }
done
echo "module ready in $dest"
