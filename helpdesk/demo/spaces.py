"""The demo's restricted space: a team's own corner, with a thread of its own, members, a request to join
waiting, and a member-list review that is due, so the spaces pages have something to show."""

DEMO_SPACE = {
    "name": "Risk Modelling",
    "description": "The risk modelling team's questions about RiskCalc and the month-end models.",
    "cap": 12,
    "owners": ["tom"],
    "members": ["jonas", "priya"],
    "requests": {"erik": "I am taking over the month-end report from Tom."},
    # Questions (keys of questions.QUESTIONS) that belong to the team rather than to everyone.
    "questions": ["excel-addin-missing"],
    # Days since the owners last confirmed the member list (more than the 90-day interval: review due).
    "reviewed_days_ago": 95,
}
