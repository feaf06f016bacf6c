"""Authors of a Stack Exchange dump's posts by name, from the dump's ``Users.xml``.

A post names its author by ``OwnerUserId``; only a deleted user's posts carry
``OwnerDisplayName``. Content of the Stack Exchange network is CC BY-SA, which
asks that a quoted answer name its author, so the public display name of the
site's user is kept with each post (never e-mail or any other account
detail). ``Users.xml`` is looked for beside the posts (``Users.xml`` or
``site-Users.xml``) and streamed: only the rows of users who wrote a read post
are kept, whatever the size of the table.
"""

from __future__ import annotations

from pathlib import Path

import lxml.etree


def users_path(posts_file: Path) -> Path | None:
    """The ``Users.xml`` beside a dump's ``Posts.xml``, if any."""
    try:
        for p in sorted(posts_file.parent.iterdir()):
            name = p.name.lower()
            if (
                p != posts_file
                and p.is_file()
                and (name == "users.xml" or name.endswith("-users.xml"))
            ):
                return p
    except OSError:
        pass
    return None


def users_stamp(posts_file: Path) -> str:
    """Size and time of the users table, for the posts' source hash (it can be large)."""
    users = users_path(posts_file)
    try:
        st = users.stat() if users is not None else None
    except OSError:
        return ""
    return f"{st.st_size}:{st.st_mtime_ns}" if st is not None else ""


def display_names(users_file: Path, ids: set[str]) -> dict[str, str]:
    """``Id`` -> ``DisplayName`` for the users in ``ids``; {} when the table cannot be read."""
    names: dict[str, str] = {}
    if not ids:
        return names
    try:
        for _, row in lxml.etree.iterparse(str(users_file), tag="row", huge_tree=False):
            uid = row.get("Id")
            if uid in ids and row.get("DisplayName"):
                names[uid] = str(row.get("DisplayName")).strip()
            row.clear()
            if len(names) == len(ids):
                break
    except (OSError, lxml.etree.XMLSyntaxError):
        return {}
    return names
