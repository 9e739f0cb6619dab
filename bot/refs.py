"""How people name a webinar: a short handle (`w3`) or the Graph id (`{guid}@{tenant guid}`)."""

import re

HANDLE = re.compile(r"^w\d+$", re.I)
WEBINAR_ID = re.compile(r"^[0-9a-f-]{36}@[0-9a-f-]{36}$", re.I)


def looks_like_webinar(token: str) -> bool:
    return bool(HANDLE.match(token) or WEBINAR_ID.match(token))
