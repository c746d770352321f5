// A member's first session with HerLead, through the Kotlin SDK (org.herlead.sdk).
// Run it against a server: see examples/run-sdk-journeys.sh. Exits non-zero on any failed check.

import java.io.File
import java.time.Duration
import java.time.Instant
import java.time.temporal.ChronoUnit
import kotlinx.coroutines.async
import kotlinx.coroutines.runBlocking
// Core's enums (Role, Platform, Sector, …) are in their own package, next to the SDK's.
import org.herlead.core.*
import org.herlead.sdk.*
import kotlin.system.exitProcess

// Tokens an app's clients share (a real app keeps them in the Keystore or a file).
class SharedStore : TokenStore {
    @Volatile var tokens: StoredTokens? = null
    override fun load(): StoredTokens? = tokens
    override fun save(tokens: StoredTokens) { this.tokens = tokens }
    override fun clear() { tokens = null }
}

fun check(condition: Boolean, what: String) {
    if (!condition) {
        System.err.println("FAILED: $what")
        exitProcess(1)
    }
    println("ok: $what")
}

fun main(args: Array<String>) = runBlocking<Unit> {
    val server = args.getOrNull(0) ?: "http://127.0.0.1:8080"
    val email = "kotlin.${System.currentTimeMillis()}@example.org"
    val password = "correct horse battery"
    // A real app passes a TokenStore backed by the Android Keystore; null keeps tokens in memory.
    val client = HerLeadClient(server, ClientOptions(timeoutSeconds = 30u, userAgent = "herlead-kotlin-journey"), null)

    val user = client.register(email, password, "Kotlin Member")
    check(user.role == Role.MEMBER, "registered as a member")
    check(
        Duration.between(user.createdAt, Instant.now()).abs() < Duration.ofMinutes(1),
        "the account was created at ${user.createdAt}, an Instant",
    )
    client.logout()
    check(!client.isSignedIn(), "signed out")
    check(client.login(email, password).email == email, "signed in again")

    client.updatePresence("https://kotlin.example.org", null, listOf(Audience.WOMEN))
    val profile = client.addProfile(
        ProfileInput(
            platform = Platform.LINKEDIN,
            handle = "kotlin-member",
            url = "https://linkedin.com/in/kotlin-member",
            displayName = "Kotlin Member",
            tagline = "Building tools for women leaders",
            pictureUrl = null,
            websiteLink = "https://kotlin.example.org",
        )
    )
    check(profile.platform == Platform.LINKEDIN, "added a profile")

    val contact = client.addContact(
        ContactInput(
            name = "Grace Hopper",
            sector = Sector.MEDIA,
            scope = Scope.CITY,
            industry = "software",
            inHerIndustry = true,
            onMeetList = true,
            competitor = false,
            values = ValuesAlignment.ALIGNED,
            tags = listOf("computing"),
        )
    )
    val anHourAgo = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofHours(1))
    val give = client.logInteraction(contact.id, InteractionKind.SHARED_POST, anHourAgo, "Shared her talk")
    check(give.interaction.isGive && give.warnings.isEmpty(), "logged a give")
    check(give.interaction.occurredAt == anHourAgo, "the give is dated an hour ago")

    val progress = client.myProgress()
    val website = progress.steps[0].tasks.first { it.task.key == "position.website" }
    check(website.status == TaskStatus.DONE, "the website task completed from her data")
    val score = client.socialCapital()
    check(score.total > 0.0 && score.reach.score > 0.0, "social capital is ${"%.1f".format(score.total)}")
    check(client.recommendations(3).isNotEmpty(), "recommendations are offered")

    try {
        client.updatePresence("javascript:alert(1)", null, null)
        check(false, "a bad website is refused")
    } catch (e: HerLeadException.Validation) {
        check(e.field == "website", "a bad website is a typed validation error on field ${e.field}")
    }

    // Her network in: LinkedIn's Connections.csv, previewed, then confirmed.
    val preview = client.importContacts(File("examples/imports/Connections.csv").readBytes(), ImportFormat.LINKEDIN)
    check(
        preview.batch.status == ImportState.PREVIEW && preview.newContacts >= 8,
        "LinkedIn preview: ${preview.newContacts} new, ${preview.rejectedRows} rejected",
    )
    check(preview.rejected.map { it.line to it.code } == listOf(13 to "NO_NAME"), "the nameless row is rejected with its line")
    val batch = client.confirmImport(preview.batch.id)
    check(batch.created == preview.newContacts, "confirmed: ${batch.created} contacts created")
    // A vCard from a phone: Claudia is already there from LinkedIn, so her card updates her.
    val cards = client.importContacts(File("examples/imports/contacts.vcf").readBytes(), null)
    check(
        cards.batch.format == ImportFormat.VCARD && cards.newContacts == 2 && cards.updates == 1,
        "the vCard is recognized: 2 new contacts, 1 update",
    )
    client.confirmImport(cards.batch.id)
    val page = client.contacts(100, null)
    val suggested = page.contacts.mapNotNull { c ->
        c.suggestedSector?.let { ContactClassification(contactId = c.id, sector = it.sector, scope = Scope.COUNTRY) }
    }
    check(client.classifyContacts(suggested) == suggested.size, "classified ${suggested.size} contacts as suggested")
    // Her data out, and back into an empty account.
    val vcard = client.exportMyData(ExportFormat.VCARD)
    check(vcard.split("BEGIN:VCARD").size - 1 == page.totalCount.toInt(), "exported ${page.totalCount} vCards")
    val other = HerLeadClient(server, ClientOptions(timeoutSeconds = 30u, userAgent = "herlead-kotlin-journey"), null)
    other.register("kotlin.other.${System.currentTimeMillis()}@example.org", password, "Kotlin Other")
    val back = other.importContacts(vcard.toByteArray(), ImportFormat.VCARD)
    check(back.newContacts.toLong() == page.totalCount, "the export imports back into an empty account")
    try {
        other.importContacts(ByteArray(0), ImportFormat.LINKEDIN)
        check(false, "an empty file is refused")
    } catch (e: HerLeadException.Validation) {
        check(e.field == "file", "an empty file is a validation error on field file")
    }

    // Two clients on one store (the app and its WorkManager job) refresh at the same moment
    // once the access token has expired (the CI server issues 2-second tokens), and both stay
    // signed in.
    val store = SharedStore()
    val app = HerLeadClient(server, ClientOptions(timeoutSeconds = 30u, userAgent = "herlead-kotlin-journey"), store)
    val job = HerLeadClient(server, ClientOptions(timeoutSeconds = 30u, userAgent = "herlead-kotlin-journey"), store)
    app.login(email, password)
    val before = store.tokens?.accessToken
    kotlinx.coroutines.delay(8000)
    val both = listOf(async { app.me() }, async { job.me() }, async { app.myProgress() }, async { job.myProgress() })
    both.forEach { it.await() }
    check(store.tokens != null && store.tokens?.accessToken != before, "two clients on one store both refreshed")
    check(job.me().email == email, "and the session lives on")
    println("kotlin journey passed")
}
