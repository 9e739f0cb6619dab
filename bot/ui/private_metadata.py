"""Typed `private_metadata`: a small frozen dataclass <-> compact JSON (ids only, well under Slack's 3000 chars).

`load(Meta, dump(Meta(webinar_id="...")))` gives the same dataclass back; listeners never read raw JSON.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields
from typing import TypeVar

T = TypeVar("T")
LIMIT = 3000


def dump(meta) -> str:
    """Compact JSON; None values are left out to save room. Raises ValueError past Slack's limit."""
    text = json.dumps({k: v for k, v in asdict(meta).items() if v is not None}, separators=(",", ":"))
    if len(text) > LIMIT:
        raise ValueError(f"private_metadata would be {len(text)} characters; Slack allows {LIMIT}")
    return text


def load(cls: type[T], text: str | None) -> T:
    """The dataclass back; unknown keys are ignored and lists become tuples, so old modals still load."""
    try:
        data = json.loads(text or "{}")
    except ValueError:
        data = {}
    known = {f.name for f in fields(cls)}
    values = {k: tuple(v) if isinstance(v, list) else v for k, v in data.items() if k in known}
    return cls(**values)


@dataclass(frozen=True)
class WebinarMeta:
    """A modal about one webinar (share, details, presenters, questions): its Graph id."""
    webinar_id: str
