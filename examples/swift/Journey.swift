// A member's first session with HerLead, through the Swift SDK (module HerLead).
// No Swift toolchain runs in CI here; the same journey runs in Kotlin and Python
// (examples/run-sdk-journeys.sh) against the same generated API.

import Foundation
import HerLead

/// Keeps tokens in the Keychain between launches.
final class KeychainTokenStore: TokenStore {
    func load() -> StoredTokens? { nil /* read from the Keychain */ }
    func save(tokens: StoredTokens) { /* write to the Keychain */ }
    func clear() { /* delete from the Keychain */ }
}

@main
struct Journey {
    static func main() async throws {
        let client = try HerLeadClient(
            baseUrl: "http://127.0.0.1:8080",
            options: ClientOptions(timeoutSeconds: 30, userAgent: "herlead-swift-journey"),
            tokenStore: KeychainTokenStore()
        )
        let user = try await client.register(
            email: "swift@example.org", password: "correct horse battery", displayName: "Swift Member")
        print("registered \(user.email) as \(user.role)")

        _ = try await client.updatePresence(website: "https://swift.example.org", emailSignature: nil, audiences: [.women])
        let contact = try await client.addContact(contact: ContactInput(
            name: "Grace Hopper", sector: .media, scope: .city, industry: "software",
            inHerIndustry: true, onMeetList: true, competitor: false, values: .aligned, tags: ["computing"]))
        let give = try await client.logInteraction(
            contactId: contact.id, kind: .sharedPost, occurredAt: Date(timeIntervalSinceNow: -3600), note: "Shared her talk")
        print("logged a give at \(give.interaction.occurredAt); warnings: \(give.warnings.count)")

        let progress = try await client.myProgress()
        print("progress \(progress.percent)% — score \(try await client.socialCapital().total)")

        do {
            _ = try await client.updatePresence(website: "javascript:alert(1)", emailSignature: nil, audiences: nil)
        } catch HerLeadError.Validation(let field, let reason) {
            print("refused \(field): \(reason)")
        }
    }
}
