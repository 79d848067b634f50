"""Every model of every area, imported in one place so the metadata (and so migrations) sees all tables."""

from .auth.models import Role, User
from .forum.models import Answer, PostRevision, Question, Vote
from .search.models import SearchChange
from .tags import Tag, page_tags, question_tags
from .wiki.models import Page, PageLink, PageRevision

__all__ = [
    "Answer", "Page", "PageLink", "PageRevision", "PostRevision", "Question", "Role", "SearchChange", "Tag",
    "User", "Vote", "page_tags", "question_tags",
]  # fmt: skip
