// A member's first session with HerLead, through the Kotlin SDK (org.herlead.sdk).
// Run it against a server: see examples/run-sdk-journeys.sh. Exits non-zero on any failed check.

import java.time.Duration
import java.time.Instant
import java.time.temporal.ChronoUnit
import kotlinx.coroutines.runBlocking
// Core's enums (Role, Platform, Sector, …) are in their own package, next to the SDK's.
import org.herlead.core.*
import org.herlead.sdk.*
import kotlin.system.exitProcess

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
    println("kotlin journey passed")
}
