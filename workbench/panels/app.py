"""The panel member's page: a small Starlette (ASGI) app, plain HTML forms, a little JS.

One process serves every member (no kernel per member). A member joins with the screening's
access code and a pseudonym (``POST /join``) and gets a session cookie; every later request
opens the store *as that member*, so the store's screening scope and redaction decide what is
read, and :meth:`Store.save_answer` what is written — the app enforces nothing itself.
Each answer is saved on its own (``POST /api/answer``, by ``panel.js`` on every change, queued
in the browser's ``localStorage`` while offline and re-sent when back); without JavaScript
the form's Save button posts every answer (``POST /clips/{id}``).

The same app serves the facilitator's pages under ``/facilitator``
(:mod:`workbench.panels.facilitator`).

Run: ``bwv --as FAC panel serve`` (or ``uvicorn`` on :func:`create_app`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import (
    FileResponse,
    HTMLResponse,
    JSONResponse,
    RedirectResponse,
    Response,
)
from starlette.routing import Route

from workbench.exceptions import AccessError, StoreError, WorkbenchError
from workbench.panels.settings import PanelSettings
from workbench.store import Store
from workbench.store.screenings import FELT_ITEMS, PJ_DIMENSIONS, RATING_VALUES

HERE = Path(__file__).parent
COOKIE = "bwv_panel"
GROUP_FIELDS: tuple[tuple[str, str], ...] = (
    ("age_band", "Age band"), ("ethnicity", "Ethnicity (in your own words)"),
    ("lived_experience", "Lived experience of stop and search"))
LABELS: dict[str, str] = {
    "pj_voice": "Voice: the person could give their side",
    "pj_neutrality": "Neutrality: reasons were given, no presumption of guilt",
    "pj_respect": "Respect: courtesy and dignity",
    "pj_trust": "Trustworthy motives: care for the person's safety and feelings",
    "respectful": "Respectful", "fair": "Fair", "explained": "Explained",
    "escalating": "Escalating", "safe": "Safe",
}
_ENV = Environment(loader=FileSystemLoader(HERE / "templates"),
                   autoescape=select_autoescape(["html"]))


def _page(name: str, status: int = 200, **context: Any) -> HTMLResponse:
    return HTMLResponse(_ENV.get_template(name).render(**context), status_code=status)


def create_app(url: str, *, join_as: str | None = None, media_root: Path | None = None,
               project: Path | None = None,
               settings: PanelSettings | None = None) -> Starlette:
    """The member's app on the store at ``url``; joins go through a handle opened as
    ``join_as`` (a facilitator; None: the store's owner, i.e. the server's own trust).

    ``media_root``: the folder clips' ``media_path`` is relative to (None: no media). Media is
    served muted over the redacted turns (:mod:`workbench.panels.media`); media that cannot
    be muted is shown only if the facilitator marked the screening's media as reviewed.
    ``project``: the project folder (the facilitator pages' quarterly report; its
    ``panels:`` settings when ``settings`` is None). The facilitator pages are
    :mod:`workbench.panels.facilitator`.
    """
    import tempfile

    from workbench.panels.facilitator import facilitator_routes
    from workbench.panels.media import mute_spans, muted_wav

    if settings is None:
        settings = PanelSettings.from_project(project) if project else PanelSettings()
    consent = settings.consent_statement
    joiner = Store.open(url, as_user=join_as)
    muted_dir = Path(tempfile.mkdtemp(prefix="bwv-panel-media-"))

    def member(request: Request) -> Store | None:
        token = request.cookies.get(COOKIE)
        member_id = joiner.member_for_token(token) if token else None
        return Store.open(url, as_user=member_id) if member_id else None

    async def home(request: Request) -> Response:
        return _page("join.html", groups=GROUP_FIELDS, error="", form={}, consent=consent)

    async def join(request: Request) -> Response:
        form = dict(await request.form())
        group = {k: str(form.get(k, "")) for k, _ in GROUP_FIELDS}
        try:
            _, token = joiner.join_screening(
                str(form.get("screening", "")).strip(), str(form.get("code", "")),
                str(form.get("pseudonym", "")), group=group, consent=form.get("consent") == "yes",
                consent_statement=consent)
        except (AccessError, StoreError) as exc:
            return _page("join.html", status=403 if isinstance(exc, AccessError) else 400,
                         groups=GROUP_FIELDS, error=str(exc), form=form, consent=consent)
        response = RedirectResponse("/clips", status_code=303)
        response.set_cookie(COOKIE, token, httponly=True, samesite="strict")
        return response

    async def clips(request: Request) -> Response:
        store = member(request)
        if store is None:
            return RedirectResponse("/", status_code=303)
        with store:
            found = store.screenings()
            if not found:
                return _page("closed.html", status=403)
            screening = found[0]
            done = {a.clip_id for a in store.panel_answers()}
        return _page("clips.html", screening=screening, done=done)

    def _clip_page(store: Store, clip_id: str, status: int = 200, error: str = "") -> Response:
        screening = store.screenings()[0]
        utterances = store.utterances(clip_id)
        answers = {(a.kind, a.item): a.value for a in store.panel_answers()
                   if a.clip_id == clip_id}
        has_media = bool(store.clip(clip_id).media_path) and media_root is not None
        return _page("clip.html", status=status, screening=screening, clip_id=clip_id,
                     has_media=has_media,
                     utterances=utterances, answers=answers, pj=PJ_DIMENSIONS,
                     felt=FELT_ITEMS, values=RATING_VALUES, labels=LABELS, error=error)

    async def clip(request: Request) -> Response:
        store = member(request)
        if store is None:
            return RedirectResponse("/", status_code=303)
        clip_id = request.path_params["clip_id"]
        with store:
            try:
                if not store.screenings():
                    return _page("closed.html", status=403)
                if request.method == "POST":
                    form = await request.form()
                    for key, value in form.multi_items():
                        kind, _, item = key.partition(":")
                        if kind in ("rating", "flag", "comment"):
                            store.save_answer(clip_id, kind, item, str(value))
                return _clip_page(store, clip_id)
            except AccessError as exc:
                return _page("closed.html", status=403, error=str(exc))
            except StoreError as exc:
                return _clip_page(store, clip_id, status=400, error=str(exc))

    async def answer(request: Request) -> Response:
        store = member(request)
        if store is None:
            return JSONResponse({"error": "not joined"}, status_code=401)
        try:
            body = await request.json()
            with store:
                store.save_answer(str(body["clip_id"]), str(body["kind"]),
                                  str(body.get("item", "")), str(body.get("value", "")))
        except AccessError as exc:
            return JSONResponse({"error": str(exc)}, status_code=403)
        except (StoreError, KeyError, ValueError) as exc:
            return JSONResponse({"error": str(exc)}, status_code=400)
        return JSONResponse({"saved": True})

    async def media(request: Request) -> Response:
        store = member(request)
        clip_id = request.path_params["clip_id"]
        if store is None or media_root is None:
            return Response("not available", status_code=404)
        with store:
            try:
                screening = store.screenings()[0] if store.screenings() else None
                clip = store.clip(clip_id)  # refuses a clip outside the screening
            except AccessError:
                return Response("not in your screening", status_code=403)
        if screening is None or not clip.media_path:
            return Response("not available", status_code=404)
        source = media_root / clip.media_path
        target = muted_dir / f"{clip_id}.wav"
        try:
            muted_wav(source, target, mute_spans(joiner.utterances(clip_id)))
        except WorkbenchError:
            if screening.media_reviewed and source.is_file():
                return FileResponse(source)
            return Response("this clip's media cannot be muted and was not reviewed",
                            status_code=404)
        return FileResponse(target, media_type="audio/wav")

    async def script(request: Request) -> Response:
        return Response((HERE / "panel.js").read_text(), media_type="text/javascript")

    return Starlette(routes=[
        Route("/", home), Route("/join", join, methods=["POST"]), Route("/clips", clips),
        Route("/clips/{clip_id}", clip, methods=["GET", "POST"]),
        Route("/api/answer", answer, methods=["POST"]), Route("/media/{clip_id}", media),
        Route("/panel.js", script),
        *facilitator_routes(url, joiner, _page, project=project)])
