// The HerLead SDK as an Android library module. bindings/android/build-module.sh copies this
// file into the module once and, on every run, refreshes what it builds from:
//   src/main/kotlin/org/herlead/{sdk,core}       the generated bindings (bindings/kotlin)
//   src/main/jniLibs/<abi>/libherlead_sdk.so     the Rust library per ABI (cargo-ndk)
// The plugins' versions come from the app's root build (settings.gradle.kts or its version
// catalog): Android Gradle Plugin 8 or newer, Kotlin 2 (CI compiles the bindings with 2.4.20).
// See docs/android.md.
plugins {
    id("com.android.library")
    id("org.jetbrains.kotlin.android")
}

android {
    namespace = "org.herlead.sdk"
    compileSdk = 35

    defaultConfig {
        // The bindings use java.time (Instant, Duration): API 26, or core library desugaring
        // in the app below that.
        minSdk = 26
        // R8 must keep what JNA reaches by reflection; applied to the app that uses this module.
        consumerProguardFiles("consumer-rules.pro")
    }

    compileOptions {
        sourceCompatibility = JavaVersion.VERSION_17
        targetCompatibility = JavaVersion.VERSION_17
    }
}

kotlin {
    jvmToolchain(17)
}

dependencies {
    // The bindings call libherlead_sdk.so through JNA. On Android JNA comes as an AAR that
    // carries its own libjnidispatch.so per ABI; releases before 5.17.0 ship one that devices
    // with 16 KB memory pages refuse to load. `api`: the bindings' public types use JNA's and
    // the coroutines' types.
    api("net.java.dev.jna:jna:5.19.1@aar")
    api("org.jetbrains.kotlinx:kotlinx-coroutines-core:1.10.2")
}
