"""Every model of every area, imported in one place so the metadata (and so migrations) sees all tables."""

from .auth.models import Role, User
from .forum.models import Answer, PostRevision, Question, QuestionClaim, Vote
from .insights.models import SearchEvent
from .search.models import SearchChange
from .spaces.models import JoinRequest, Membership, SiteSetting, Space, SpaceAuditEntry
from .tags import Tag, page_tags, question_tags
from .wiki.models import Page, PageLink, PageRevision

__all__ = [
    "Answer", "JoinRequest", "Membership", "Page", "PageLink", "PageRevision", "PostRevision", "Question",
    "QuestionClaim", "Role", "SearchChange", "SearchEvent", "SiteSetting", "Space", "SpaceAuditEntry", "Tag",
    "User", "Vote", "page_tags", "question_tags",
]  # fmt: skip
