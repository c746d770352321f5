"""A member's first session with HerLead, through the Python SDK (herlead_sdk).

Run it against a server: see examples/run-sdk-journeys.sh. Exits non-zero on any failed check.
"""

import asyncio
import os
import sys
import time
from datetime import datetime, timedelta, timezone

# Core's enums are in their own module, herlead_core, next to herlead_sdk.
from herlead_core import (
    Audience, InteractionKind, PlaybookStep, Platform, Role, Scope, Sector, SharingLevel, Stage,
    TaskStatus, ValuesAlignment,
)
from herlead_sdk import (
    ClientOptions, CohortInput, CohortTaskInput, ContactClassification, ContactField, ContactFilter,
    ContactInput, ContactPatch, ExportFormat, HerLeadClient, HerLeadError, ImportFormat, ImportState,
    MemberSort, NetworkErrorKind, ProfileInput, StoredTokens, TokenStore,
)

EXAMPLES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "imports")

# Live streams as async iterators: a hand-written module next to herlead_sdk.
from herlead_streams import live

def example(name: str) -> bytes:
    with open(os.path.join(EXAMPLES, name), "rb") as f:
        return f.read()


class SharedStore(TokenStore):
    """Tokens an app's clients share (a real app keeps them in the Keychain or a file)."""

    def __init__(self):
        self.tokens = None

    def load(self):
        return self.tokens

    def save(self, tokens: StoredTokens):
        self.tokens = tokens

    def clear(self):
        self.tokens = None


def check(condition: bool, what: str) -> None:
    if not condition:
        print(f"FAILED: {what}", file=sys.stderr)
        sys.exit(1)
    print(f"ok: {what}")


async def journey(server: str) -> None:
    email = f"python.{time.time_ns()}@example.org"
    password = "correct horse battery"
    client = HerLeadClient(server, ClientOptions(timeout_seconds=30, user_agent="herlead-python-journey"), None)

    user = await client.register(email, password, "Python Member")
    check(user.role == Role.MEMBER, "registered as a member")
    check(abs(datetime.now(timezone.utc) - user.created_at) < timedelta(minutes=1),
          f"the account was created at {user.created_at.isoformat()}, a datetime")
    await client.logout()
    check(not client.is_signed_in(), "signed out")
    check((await client.login(email, password)).email == email, "signed in again")

    await client.update_presence("https://python.example.org", None, [Audience.WOMEN])
    profile = await client.add_profile(ProfileInput(
        platform=Platform.LINKEDIN, handle="python-member", url="https://linkedin.com/in/python-member",
        display_name="Python Member", tagline=None, picture_url=None, website_link="https://python.example.org"))
    check(profile.platform == Platform.LINKEDIN, "added a profile")

    # Optional fields of an input record default to None: name what you know.
    contact = await client.add_contact(ContactInput(
        name="Grace Hopper", sector=Sector.MEDIA, scope=Scope.CITY, industry="software", in_her_industry=True,
        on_meet_list=True, values=ValuesAlignment.ALIGNED, tags=["computing"]))
    an_hour_ago = datetime.now(timezone.utc).replace(microsecond=0) - timedelta(hours=1)
    give = await client.log_interaction(contact.id, InteractionKind.SHARED_POST, an_hour_ago, "Shared her talk")
    check(give.interaction.is_give and not give.warnings, "logged a give")
    check(give.interaction.occurred_at == an_hour_ago, "the give is dated an hour ago")

    progress = await client.my_progress()
    website = next(t for t in progress.steps[0].tasks if t.task.key == "position.website")
    check(website.status == TaskStatus.DONE, "the website task completed from her data")
    score = await client.social_capital()
    check(score.total > 0 and score.reach.score > 0, f"social capital is {score.total:.1f}")
    check(len(await client.recommendations(3)) > 0, "recommendations are offered")
    check(len(await client.recommendations()) > 0, "recommendations default their count")
    women = await client.channels(Audience.WOMEN)
    check(len(women) > 0 and all(c.audience == Audience.WOMEN for c in women), f"{len(women)} channels made for women")

    # Her contacts: one by id, a change, a search.
    met = await client.update_contact(contact.id, ContactPatch(company="Navy", stage=Stage.MET))
    check((met.company, met.stage, met.stage_override) == ("Navy", Stage.MET, Stage.MET),
          "a contact she met is updated, with the stage she set")
    back_to_rules = await client.update_contact(contact.id, ContactPatch(clear=[ContactField.STAGE]))
    check(back_to_rules.stage_override is None, "clearing the stage hands it back to the rules")
    check((await client.contact(contact.id)).name == "Grace Hopper", "a contact read by id")
    found = await client.contacts(ContactFilter(search="hopper"))
    check([c.id for c in found.contacts] == [contact.id], "a search finds her by name")

    try:
        await client.update_presence("javascript:alert(1)", None, None)
        check(False, "a bad website is refused")
    except HerLeadError.Validation as e:
        check(e.field == "website", f"a bad website is a typed validation error on field {e.field}")
        check(e.request_id is not None and e.request_id in str(e), f"the error carries its request id: {e}")
    # No server on port 9 (discard): the error says the connection could not be made.
    try:
        await HerLeadClient("http://127.0.0.1:9", options(), None).playbook()
        check(False, "an unreachable server is an error")
    except HerLeadError.Network as e:
        check(e.kind == NetworkErrorKind.CONNECT, f"an unreachable server is a {e.kind} network error")

    # Her network in: LinkedIn's Connections.csv, previewed, then confirmed.
    preview = await client.import_contacts(example("Connections.csv"), ImportFormat.LINKEDIN)
    check(preview.batch.status == ImportState.PREVIEW and preview.new_contacts >= 8,
          f"LinkedIn preview: {preview.new_contacts} new, {preview.rejected_rows} rejected")
    check([(r.line, r.code) for r in preview.rejected] == [(13, "NO_NAME")],
          "the nameless row is rejected with its line")
    batch = await client.confirm_import(preview.batch.id)
    check(batch.created == preview.new_contacts, f"confirmed: {batch.created} contacts created")
    # A vCard from a phone: Claudia is already there from LinkedIn, so her card updates her.
    cards = await client.import_contacts(example("contacts.vcf"), None)
    check(cards.batch.format == ImportFormat.VCARD and (cards.new_contacts, cards.updates) == (2, 1),
          "the vCard is recognized: 2 new contacts, 1 update")
    await client.confirm_import(cards.batch.id)
    page = await client.contacts(first=100)
    suggested = [ContactClassification(contact_id=c.id, sector=c.suggested_sector.sector, scope=Scope.COUNTRY)
                 for c in page.contacts if c.suggested_sector is not None]
    check(await client.classify_contacts(suggested) == len(suggested),
          f"classified {len(suggested)} contacts as suggested")
    # Her data out, and back into an empty account.
    vcard = await client.export_my_data(ExportFormat.VCARD)
    check(vcard.count("BEGIN:VCARD") == page.total_count, f"exported {page.total_count} vCards")
    other = HerLeadClient(server, ClientOptions(timeout_seconds=30, user_agent="herlead-python-journey"), None)
    await other.register(f"python.other.{time.time_ns()}@example.org", password, "Python Other")
    back = await other.import_contacts(vcard.encode(), ImportFormat.VCARD)
    check(back.new_contacts == page.total_count, "the export imports back into an empty account")
    try:
        await other.import_contacts(b"", ImportFormat.LINKEDIN)
        check(False, "an empty file is refused")
    except HerLeadError.Validation as e:
        check(e.field == "file", "an empty file is a validation error on field file")

    # Two clients on one store (the app and its background job) refresh at the same moment
    # once the access token has expired (the CI server issues 2-second tokens), and both stay
    # signed in.
    store = SharedStore()
    app = HerLeadClient(server, ClientOptions(timeout_seconds=30, user_agent="herlead-python-journey"), store)
    job = HerLeadClient(server, ClientOptions(timeout_seconds=30, user_agent="herlead-python-journey"), store)
    await app.login(email, password)
    before = store.tokens.access_token
    await asyncio.sleep(8)
    users = await asyncio.gather(app.me(), job.me(), app.my_progress(), job.my_progress())
    check(users[0].email == email and users[1].email == email, "two clients on one store both refreshed")
    check(store.tokens is not None and store.tokens.access_token != before, "the shared store holds the new tokens")
    check((await job.me()).email == email, "and the session lives on")
    await coach_journey(server, client, user.id)
    print("python journey passed")



def options() -> ClientOptions:
    return ClientOptions(timeout_seconds=30, user_agent="herlead-python-journey")


async def a_coach(server: str):
    """A coach, the way she comes to be: she registers in the app, then the operator grants her
    the role on the server host (`herlead admin grant-coach`; run-sdk-journeys.sh passes the
    command), and she signs in again (a change of role ends her sessions)."""
    grant = os.environ.get("HERLEAD_JOURNEY_GRANT_COACH")
    if grant is None:
        check("CI" not in os.environ, "CI provides the grant-coach command")
        print("skipped: the coach journey (no HERLEAD_JOURNEY_GRANT_COACH; see examples/run-sdk-journeys.sh)")
        return None
    email, password = f"python.coach.{time.time_ns()}@example.org", "correct horse battery"
    coach = HerLeadClient(server, options(), None)
    await coach.register(email, password, "Python Coach")
    granted = await asyncio.create_subprocess_exec(grant, email)
    check(await granted.wait() == 0, "the operator made her a coach")
    check((await coach.login(email, password)).role == Role.COACH, "she signs in as a coach")
    return coach


async def coach_journey(server: str, member: HerLeadClient, member_id: str) -> None:
    """A coach runs a cohort through the SDK: she creates it, the member joins with its code,
    the coach reads her dashboard, sets a task the member completes, and nudges her while the
    member has her nudge stream open: the nudge arrives live."""
    coach = await a_coach(server)
    if coach is None:
        return
    cohort = await coach.create_cohort(CohortInput(name="Python cohort", description="Women in tech, Bogotá"))
    check(cohort.stall_days == 14 and len(cohort.coaches) == 1, "she created a cohort with the defaults")
    check([c.id for c in await coach.coached_cohorts()] == [cohort.id], "she finds it among hers")
    rotated = await coach.rotate_invite_code(cohort.id)
    check(rotated.invite_code != cohort.invite_code, "a new invite code replaces the old one")
    try:
        await member.join_cohort(cohort.invite_code, SharingLevel.PROGRESS)
        check(False, "the old code is refused")
    except HerLeadError as e:
        check(True, f"the old code is refused ({type(e).__name__})")
    joined = await member.join_cohort(rotated.invite_code, SharingLevel.PROGRESS_AND_CONTACTS)
    check(joined.id == cohort.id, "the member joined with the new code, sharing her contacts")

    board = await coach.cohort_dashboard(cohort.id, sort=MemberSort.NAME)
    check([m.id for m in board.members] == [member_id] and board.aggregates.members == 1,
          "the dashboard lists her")
    check(board.members[0].contacts is not None and len(board.members[0].contacts) > 0,
          "her shared contacts are on the dashboard")

    task = await coach.add_cohort_task(cohort.id, CohortTaskInput(
        title="Introduce two members to each other", step=PlaybookStep.BRING_TOGETHER, due_on="2027-04-15"))
    mine = await member.my_cohort_tasks()
    check([t.task.id for t in mine] == [task.id], "the member sees the cohort task")
    done = await member.set_cohort_task_status(task.id, TaskStatus.DONE)
    check(done.completed_at is not None, "and completes it")
    tasks = (await coach.cohort(cohort.id)).tasks
    check([(t.task.id, t.done) for t in tasks] == [(task.id, 1)], "the coach sees it done")

    async with live(await member.nudge_stream()) as nudges:
        async def first_of_cohort():
            async for nudge in nudges:
                if nudge.cohort_id == cohort.id:
                    return nudge
            return None

        arrival = asyncio.ensure_future(first_of_cohort())
        # The server starts the subscription a moment after the stream opens: the coach nudges
        # again if her first nudge came before it.
        for sent in range(10):
            await coach.send_nudge(cohort.id, member_id, f"Your meet list is nearly there (#{sent})",
                                   "bring.meet_list")
            done, _ = await asyncio.wait({arrival}, timeout=2)
            if done:
                break
        received = await asyncio.wait_for(arrival, timeout=60)
    check(received is not None and received.task_key == "bring.meet_list",
          f"a nudge arrived live: \"{received.message if received else None}\"")
    check([n async for n in nudges] == [], "the nudge stream is closed once the block is left")
    check(len(await member.my_nudges(unread_only=True)) >= 1, "the nudge waits unread in her list")

    await coach.remove_member(cohort.id, member_id)
    check((await coach.cohort_dashboard(cohort.id)).members == [], "the coach removed her from the cohort")


if __name__ == "__main__":
    asyncio.run(journey(sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8080"))
    # Leave without interpreter finalization: a tokio worker that wakes a finished call's
    # continuation while CPython finalizes is made to exit mid-Rust-frame and aborts the
    # process ("FATAL: exception not rethrown", seen once in six CI runs). Everything above
    # has been checked and printed by then; see the SDK issue for the real fix.
    sys.stdout.flush()
    os._exit(0)
