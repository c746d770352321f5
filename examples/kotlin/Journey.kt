// A member's first session with HerLead, through the Kotlin SDK (org.herlead.sdk).
// Run it against a server: see examples/run-sdk-journeys.sh. Exits non-zero on any failed check.

import java.io.File
import java.time.Duration
import java.time.Instant
import java.time.temporal.ChronoUnit
import kotlinx.coroutines.async
import kotlinx.coroutines.coroutineScope
import kotlinx.coroutines.flow.first
import kotlinx.coroutines.withTimeout
import kotlinx.coroutines.withTimeoutOrNull
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

    // Optional fields of an input record default to null: name what you know.
    val contact = client.addContact(
        ContactInput(
            name = "Grace Hopper",
            sector = Sector.MEDIA,
            scope = Scope.CITY,
            industry = "software",
            inHerIndustry = true,
            onMeetList = true,
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
    check(client.recommendations().isNotEmpty(), "recommendations default their count")
    val women = client.channels(Audience.WOMEN)
    check(women.isNotEmpty() && women.all { it.audience == Audience.WOMEN }, "${women.size} channels made for women")

    // Her contacts: one by id, a change, a search.
    val met = client.updateContact(contact.id, ContactPatch(company = "Navy", stage = Stage.MET))
    check(
        met.company == "Navy" && met.stage == Stage.MET && met.stageOverride == Stage.MET,
        "a contact she met is updated, with the stage she set",
    )
    val backToRules = client.updateContact(contact.id, ContactPatch(clear = listOf(ContactField.STAGE)))
    check(backToRules.stageOverride == null, "clearing the stage hands it back to the rules")
    check(client.contact(contact.id).name == "Grace Hopper", "a contact read by id")
    val found = client.contacts(ContactFilter(search = "hopper"))
    check(found.contacts.map { it.id } == listOf(contact.id), "a search finds her by name")

    try {
        client.updatePresence("javascript:alert(1)", null, null)
        check(false, "a bad website is refused")
    } catch (e: HerLeadException.Validation) {
        check(e.field == "website", "a bad website is a typed validation error on field ${e.field}")
        check(e.requestId != null && e.toString().contains(e.requestId!!), "the error carries its request id: $e")
    }
    // No server on port 9 (discard): the error says the connection could not be made.
    try {
        HerLeadClient("http://127.0.0.1:9", options(), null).playbook()
        check(false, "an unreachable server is an error")
    } catch (e: HerLeadException.Network) {
        check(e.kind == NetworkErrorKind.CONNECT, "an unreachable server is a ${e.kind} network error")
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
    val page = client.contacts(first = 100)
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
    coachJourney(server, client, user.id)
    println("kotlin journey passed")
}

fun options() = ClientOptions(timeoutSeconds = 30u, userAgent = "herlead-kotlin-journey")

// A coach, the way she comes to be: she registers in the app, then the operator grants her the
// role on the server host (`herlead admin grant-coach`; run-sdk-journeys.sh passes the command),
// and she signs in again (a change of role ends her sessions).
suspend fun aCoach(server: String): HerLeadClient? {
    val grant = System.getenv("HERLEAD_JOURNEY_GRANT_COACH")
    if (grant == null) {
        check(System.getenv("CI") == null, "CI provides the grant-coach command")
        println("skipped: the coach journey (no HERLEAD_JOURNEY_GRANT_COACH; see examples/run-sdk-journeys.sh)")
        return null
    }
    val email = "kotlin.coach.${System.currentTimeMillis()}@example.org"
    val password = "correct horse battery"
    val coach = HerLeadClient(server, options(), null)
    coach.register(email, password, "Kotlin Coach")
    val granted = ProcessBuilder(grant, email).inheritIO().start()
    check(granted.waitFor() == 0, "the operator made her a coach")
    check(coach.login(email, password).role == Role.COACH, "she signs in as a coach")
    return coach
}

// A coach runs a cohort through the SDK: she creates it, the member joins with its code, the
// coach reads her dashboard, sets a task the member completes, and nudges her while the member
// collects her nudge stream as a Flow: the nudge arrives live.
suspend fun coachJourney(server: String, member: HerLeadClient, memberId: String) {
    val coach = aCoach(server) ?: return
    val cohort = coach.createCohort(CohortInput(name = "Kotlin cohort", description = "Women in tech, Lima"))
    check(cohort.stallDays == 14 && cohort.coaches.size == 1, "she created a cohort with the defaults")
    check(coach.coachedCohorts().map { it.id } == listOf(cohort.id), "she finds it among hers")
    val rotated = coach.rotateInviteCode(cohort.id)
    check(rotated.inviteCode != cohort.inviteCode, "a new invite code replaces the old one")
    try {
        member.joinCohort(cohort.inviteCode, SharingLevel.PROGRESS)
        check(false, "the old code is refused")
    } catch (e: HerLeadException) {
        println("ok: the old code is refused (${e::class.simpleName})")
    }
    val joined = member.joinCohort(rotated.inviteCode, SharingLevel.PROGRESS_AND_CONTACTS)
    check(joined.id == cohort.id, "the member joined with the new code, sharing her contacts")

    val board = coach.cohortDashboard(cohort.id, sort = MemberSort.NAME)
    check(board.members.map { it.id } == listOf(memberId) && board.aggregates.members == 1, "the dashboard lists her")
    check(!board.members[0].contacts.isNullOrEmpty(), "her shared contacts are on the dashboard")

    val task = coach.addCohortTask(
        cohort.id,
        CohortTaskInput(title = "Introduce two members to each other", step = PlaybookStep.BRING_TOGETHER, dueOn = "2027-04-15"),
    )
    check(member.myCohortTasks().map { it.task.id } == listOf(task.id), "the member sees the cohort task")
    check(member.setCohortTaskStatus(task.id, TaskStatus.DONE).completedAt != null, "and completes it")
    check(coach.cohort(cohort.id).tasks.map { it.task.id to it.done } == listOf(task.id to 1), "the coach sees it done")

    val nudges = member.nudgeStream()
    val received = coroutineScope {
        // Collecting stops at the first nudge of this cohort, which cancels the stream.
        val first = async { withTimeout(60_000) { nudges.asFlow().first { it.cohortId == cohort.id } } }
        // The server starts the subscription a moment after the stream opens: the coach nudges
        // again if her first nudge came before it.
        var sent = 0
        while (!first.isCompleted && sent < 10) {
            coach.sendNudge(cohort.id, memberId, "Your meet list is nearly there (#$sent)", "bring.meet_list")
            sent++
            withTimeoutOrNull(2_000) { first.join() }
        }
        first.await()
    }
    check(received.taskKey == "bring.meet_list", "a nudge arrived live: \"${received.message}\"")
    check(nudges.next() == null, "the nudge stream is closed once the Flow is done")
    check(member.myNudges(unreadOnly = true).isNotEmpty(), "the nudge waits unread in her list")

    coach.removeMember(cohort.id, memberId)
    check(coach.cohortDashboard(cohort.id).members.isEmpty(), "the coach removed her from the cohort")
}
