//! uniffi's command-line bindings generator, pinned to the SDK's uniffi version.

fn main() {
    uniffi::uniffi_bindgen_main()
}
