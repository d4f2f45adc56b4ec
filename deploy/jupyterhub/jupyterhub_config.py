# JupyterHub configuration for a BWV coding team on one shared PostgreSQL store.
#
# Each user's notebook server connects to the store *as that user* (their own database
# role), so the database sees, and its row-level security binds, who is working.
# tests/test_team_deployment.py loads this file and checks the environment it gives each
# user; see the README's "Team deployment" section for the whole set-up.
#
#   /srv/bwv/project/bwv.yaml   shared, read-only for users; its store URL holds {user}:
#                               store: postgresql://{user}@db.internal:5432/bwv?sslmode=require
#   ~USER/.pgpass               each user's own password line (mode 0600), made by the admin
#
# Passwords never go into this file, bwv.yaml or the spawner's environment.

from workbench.deployment.team import hub_environment

c = get_config()  # noqa: F821 - provided by JupyterHub when it loads this file

BWV_PROJECT = "/srv/bwv/project"

c.JupyterHub.bind_url = "https://0.0.0.0:443"
c.JupyterHub.authenticator_class = "jupyterhub.auth.PAMAuthenticator"  # or your SSO
c.JupyterHub.spawner_class = "jupyterhub.spawner.LocalProcessSpawner"
c.Spawner.default_url = "/lab/tree/notebooks/code_clips.ipynb"
c.Spawner.notebook_dir = "~"


def bwv_environment(spawner):  # type: ignore[no-untyped-def]
    """Give this user's server their own identity for the store (and nothing of others')."""
    spawner.environment.update(hub_environment(spawner.user.name, project=BWV_PROJECT))


c.Spawner.pre_spawn_hook = bwv_environment
