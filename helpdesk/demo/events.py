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
from ..wiki.models import Page

DAYS = 28
# (query, results found): the last ones find nothing, and several visits look for them.
SEARCHES = [
    ("vpn", 6), ("printer", 4), ("teams lobby", 2), ("shared mailbox", 3), ("utlägg", 2), ("wifi", 3),
    ("authenticator", 2), ("new laptop", 3), ("phishing", 2), ("password", 4),
    ("parking permit", 0), ("badge not working", 0), ("coffee machine", 0), ("dual monitor", 0),
]  # fmt: skip
ZERO_RESULT_SHARE = 0.3
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


def load_demo_events(people: dict[str, User], now: datetime) -> int:
    """Add the demo events unless they are there already; how many rows were added."""
    if db.session.scalar(select(AskVisit.id).where(AskVisit.token.like("demo-%")).limit(1)) is not None:
        return 0
    rng = random.Random(2026)
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
            rows.append(
                SearchEvent(
                    kind="search", query=query, result_count=found, created_at=moment(day),
                    session_key=f"demo-s{visitor}",
                )
            )  # fmt: skip
        for n in range(rng.randint(2, 5)):
            started = moment(day)
            shown = started + timedelta(seconds=rng.randint(3, 40))
            later = shown + timedelta(minutes=rng.randint(1, 6))
            deflected = rng.random() < 0.6
            rows.append(
                AskVisit(
                    token=f"demo-{day}-{n}", session_key=f"demo-a{day}-{n}", started_at=started,
                    shown_at=shown, left_at=later if deflected else None,
                    posted_at=None if deflected else later,
                )
            )  # fmt: skip

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
