"""A team on one shared PostgreSQL store: each user's session connects *as that user*.

The project's ``bwv.yaml`` (shared, read-only for users) names the store with a ``{user}``
placeholder, e.g. ``postgresql://{user}@db.internal:5432/bwv?sslmode=require``. The hub
(JupyterHub's ``pre_spawn_hook``, see ``deploy/jupyterhub/jupyterhub_config.py``) puts the
user's name in ``$BWV_USER`` (and ``$BWV_CODER`` for the coding notebook) of that user's
server only; :func:`store_url_for` fills it in. Passwords never go into the shared config:
libpq reads them from the user's own ``~/.pgpass`` (mode 0600) or a client certificate, so
one user's server holds no other user's credentials and the database sees who connects.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import urlsplit

from workbench.exceptions import ParameterError

PLACEHOLDER = "{user}"
#: A user name that is also a valid, unquoted PostgreSQL role name (≤ 63 bytes).
USER_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
USER_VARIABLES = ("BWV_USER", "BWV_CODER")


def check_user_name(user: str) -> str:
    """``user`` if it can name a database role; else :class:`ParameterError` saying why."""
    if not USER_NAME.fullmatch(user or ""):
        raise ParameterError(
            f"user name {user!r} cannot name a database role: use lower-case letters, digits "
            "and '_', starting with a letter or '_', at most 63 characters", field="user")
    return user


def check_template(template: str) -> None:
    """A shared store URL may hold the ``{user}`` placeholder but never a password."""
    parts = urlsplit(template.replace(PLACEHOLDER, "user"))
    if parts.password:
        raise ParameterError("the shared store URL holds a password: remove it and give each "
                             "user their own ~/.pgpass (or a client certificate)",
                             field="store")
    if PLACEHOLDER in template and parts.scheme.split("+")[0] not in ("postgresql",
                                                                       "postgres"):
        raise ParameterError(f"a per-user store URL ({PLACEHOLDER}) needs PostgreSQL; got "
                             f"{parts.scheme!r}", field="store")


def session_user(env: Mapping[str, str] | None = None) -> str | None:
    """The user this process works for: ``$BWV_USER``, else ``$BWV_CODER``, else None."""
    env = os.environ if env is None else env
    return next((env[v] for v in USER_VARIABLES if env.get(v)), None)


def store_url_for(template: str, user: str | None = None) -> str:
    """The store URL for ``user`` (default :func:`session_user`): ``{user}`` filled in.

    A URL without the placeholder is returned unchanged (a single-user SQLite file, or a
    store shared under one role).
    """
    check_template(template)
    if PLACEHOLDER not in template:
        return template
    user = user if user is not None else session_user()
    if not user:
        raise ParameterError(f"the store URL is per user ({template}); set $BWV_USER to the "
                             "user's name (the hub does this for each user's server)",
                             field="store")
    return template.replace(PLACEHOLDER, check_user_name(user))


def hub_environment(user: str, *, project: str | Path,
                    pgpass: str | Path | None = None) -> dict[str, str]:
    """Environment of one user's notebook server, for JupyterHub's ``pre_spawn_hook``.

    ``project``: the shared project folder (its bwv.yaml names the per-user store).
    ``pgpass``: that user's password file (default: ``~/.pgpass`` of the user's home, which
    libpq reads by itself).
    """
    env = {"BWV_USER": check_user_name(user), "BWV_CODER": user,
           "BWV_PROJECT": str(project), "PGAPPNAME": f"bwv:{user}"}
    if pgpass is not None:
        env["PGPASSFILE"] = str(pgpass).replace(PLACEHOLDER, user)
    return env
