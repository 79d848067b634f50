"""Four weeks of invented activity for the leads' dashboard: searches (some finding nothing, for several
visits), ask-form visits deflected or posted, "Did this answer your question?" ratings and phone calls.

Written as rows directly (the services stamp the current time; these are spread over past days). Made once:
the events carry session keys and tokens starting with "demo-", and nothing is added when those
exist. The numbers come from a seeded random generator, so every fresh start shows the same dashboard.
"""

import random
from datetime import datetime, timedelta

from sqlalchemy import select

from ..auth.models import User
from ..extensions import db
from ..forum.models import Question
from ..insights.models import AskVisit, CallLog, Rating, SearchEvent
from ..spaces.queries import public_space_ids
from ..wiki.models import Page

DAYS = 28
# (query, results found): the last ones find nothing, and several visits look for them.
SEARCHES = [
    ("vpn", 6), ("printer", 4), ("teams lobby", 2), ("shared mailbox", 3), ("utlägg", 2), ("wifi", 3),
    ("authenticator", 2), ("new laptop", 3), ("phishing", 2), ("password", 4),
    ("parking permit", 0), ("badge not working", 0), ("coffee machine", 0), ("dual monitor", 0),
]  # fmt: skip
ZERO_RESULT_SHARE = 0.3
# What a search that found something opened, and what the ask form's suggestions answered: keys of the demo's
# pages ("page:vpn") and threads ("question:vpn-drops-hourly"), all in the public space. Without these no
# thread or page would show what it answered ("Helped 12 searches"), and every query would be listed as one
# whose results nobody opened. A separate seeded generator picks them, so the counts above stay as they were.
OPENED = {
    "vpn": ["page:vpn", "question:vpn-drops-hourly"],
    "printer": ["page:printers", "question:printer-card-not-recognised"],
    "teams lobby": ["question:teams-guests-lobby"], "shared mailbox": ["page:shared-mailbox"],
    "utlägg": ["page:expenses"], "wifi": ["page:wifi"], "authenticator": ["question:new-phone-authenticator"],
    "new laptop": ["page:laptop"], "phishing": ["page:phishing"], "password": ["page:mfa"],
}  # fmt: skip
OPENED_SHARE = 0.6  # of the searches that found something, those where a result was opened
ASK_ANSWERS = [
    "page:vpn", "question:vpn-drops-hourly", "page:mfa", "page:printers", "question:teams-guests-lobby",
]  # fmt: skip
# Ratings: (page key, people who found it helpful, people who did not).
PAGE_RATINGS = {
    "vpn": (["anna", "erik", "sara", "priya"], ["tom"]),
    "printers": (["anna"], ["erik", "sara", "tom"]),
    "expenses": (["priya", "sara"], ["anna"]),
    "mfa": (["tom", "erik"], []),
    "shared-mailbox": (["sara"], ["priya", "anna"]),
}
QUESTION_RATINGS = {
    "vpn-drops-hourly": (["anna", "sara", "tom"], ["priya"]),
    "printer-card-not-recognised": (["erik"], ["sara"]),
    "teams-guests-lobby": (["priya", "tom"], []),
}
# Calls: (topic or None, page key or None, question key or None, how many).
CALLS = [
    ("Parking permit for visitors", None, None, 3),
    ("Badge does not open the garage", None, None, 2),
    ("Company credit card PIN", None, None, 1),
    (None, "vpn", None, 3),
    (None, "printers", None, 2),
    (None, None, "lost-phone-mfa", 2),
]


def _demo_documents() -> dict[str, str]:
    """The search-document names ("page:3") of the demo's pages and threads in public spaces, by demo key."""
    public = public_space_ids()
    docs = {}
    for model, kind in ((Page, "page"), (Question, "question")):
        for item in db.session.scalars(select(model).where(model.external_id.like("demo:%"))):
            if item.space_id in public:
                docs[f"{kind}:{item.external_id.split(':')[-1]}"] = f"{kind}:{item.id}"
    return docs


def load_demo_events(people: dict[str, User], now: datetime) -> int:
    """Add the demo events unless they are there already; how many rows were added."""
    if db.session.scalar(select(AskVisit.id).where(AskVisit.token.like("demo-%")).limit(1)) is not None:
        return 0
    rng = random.Random(2026)
    picks = random.Random(2027)
    docs = _demo_documents()
    start = now - timedelta(days=DAYS)
    rows: list = []

    def moment(day: int) -> datetime:
        return start + timedelta(days=day, hours=rng.randint(7, 17), minutes=rng.randint(0, 59))

    visitor = 0
    for day in range(DAYS):
        for _ in range(rng.randint(3, 8)):
            visitor += 1
            if rng.random() < ZERO_RESULT_SHARE:
                query, found = rng.choice([s for s in SEARCHES if s[1] == 0])
            else:
                query, found = rng.choice([s for s in SEARCHES if s[1] > 0])
            opened = None
            if found and picks.random() < OPENED_SHARE:
                opened = docs.get(picks.choice(OPENED[query]))
            rows.append(
                SearchEvent(
                    kind="search", query=query, result_count=found, created_at=moment(day),
                    session_key=f"demo-s{visitor}", opened_doc=opened,
                    opened_rank=picks.randint(1, min(found, 3)) if opened else None,
                )
            )  # fmt: skip
        for n in range(rng.randint(2, 5)):
            started = moment(day)
            shown = started + timedelta(seconds=rng.randint(3, 40))
            later = shown + timedelta(minutes=rng.randint(1, 6))
            deflected = rng.random() < 0.6
            visit = AskVisit(
                token=f"demo-{day}-{n}", session_key=f"demo-a{day}-{n}", started_at=started,
                shown_at=shown, left_at=later if deflected else None,
                posted_at=None if deflected else later,
            )  # fmt: skip
            if deflected and picks.random() < 0.7:  # opened a suggestion; half of them said it answered them
                visit.opened_doc = docs.get(picks.choice(ASK_ANSWERS))
                visit.opened_at = shown + timedelta(seconds=picks.randint(5, 50))
                if visit.opened_doc and picks.random() < 0.5:
                    visit.answered_doc, visit.answered_at = visit.opened_doc, later
            rows.append(visit)

    pages = {p.external_id.split(":")[-1]: p for p in db.session.scalars(select(Page)) if p.external_id}
    questions = {
        q.external_id.split(":")[-1]: q for q in db.session.scalars(select(Question)) if q.external_id
    }
    for targets, field in ((PAGE_RATINGS, "page_id"), (QUESTION_RATINGS, "question_id")):
        found = pages if field == "page_id" else questions
        for key, (yes, no) in targets.items():
            if key not in found:
                continue
            for helpful, names in ((True, yes), (False, no)):
                for name in names:
                    when = moment(rng.randrange(DAYS))
                    rows.append(
                        Rating(
                            user_id=people[name].id, helpful=helpful, created_at=when, updated_at=when,
                            **{field: found[key].id},
                        )
                    )  # fmt: skip
    callers = [people["maria"], people["jonas"]]
    for topic, page_key, question_key, count in CALLS:
        page, question = pages.get(page_key or ""), questions.get(question_key or "")
        if (page_key and page is None) or (question_key and question is None):
            continue
        for _ in range(count):
            rows.append(
                CallLog(
                    user_id=rng.choice(callers).id, topic=topic,
                    topic_key=" ".join(topic.lower().split()) if topic else None,
                    page_id=page.id if page else None, question_id=question.id if question else None,
                    created_at=moment(rng.randrange(DAYS)),
                )
            )  # fmt: skip
    db.session.add_all(rows)
    db.session.flush()
    return len(rows)
