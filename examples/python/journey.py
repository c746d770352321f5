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
    Audience, InteractionKind, Platform, Role, Scope, Sector, TaskStatus, ValuesAlignment,
)
from herlead_sdk import (
    ClientOptions, ContactClassification, ContactInput, ExportFormat, HerLeadClient, HerLeadError,
    ImportFormat, ImportState, ProfileInput, StoredTokens, TokenStore,
)

EXAMPLES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "imports")


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

    contact = await client.add_contact(ContactInput(
        name="Grace Hopper", sector=Sector.MEDIA, scope=Scope.CITY, industry="software", in_her_industry=True,
        on_meet_list=True, competitor=False, values=ValuesAlignment.ALIGNED, tags=["computing"]))
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

    try:
        await client.update_presence("javascript:alert(1)", None, None)
        check(False, "a bad website is refused")
    except HerLeadError.Validation as e:
        check(e.field == "website", f"a bad website is a typed validation error on field {e.field}")

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
    page = await client.contacts(100, None)
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
    print("python journey passed")


if __name__ == "__main__":
    asyncio.run(journey(sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8080"))
    # Leave without interpreter finalization: a tokio worker that wakes a finished call's
    # continuation while CPython finalizes is made to exit mid-Rust-frame and aborts the
    # process ("FATAL: exception not rethrown", seen once in six CI runs). Everything above
    # has been checked and printed by then; see the SDK issue for the real fix.
    sys.stdout.flush()
    os._exit(0)
