"""The facilitator's pages of the panel app: screenings, members, themes, actions, report.

A facilitator logs in with a code from ``bwv --as FAC panel login`` (or the one ``bwv
panel serve`` prints), typed on ``/facilitator/login`` (``?code=`` also works, but puts the
code in the server's access log); the code's hash is checked by the store
(:meth:`Store.facilitator_for_token`), which also requires that the person still holds the
facilitator role. Every page then opens the store *as that facilitator*, so the store's
rules decide what they may do — the pages enforce nothing themselves. Plain HTML forms; no
JavaScript needed.

Pages: ``/facilitator`` (screenings, create one by hand / by a sampling rule / at random,
run the quarterly report), ``/facilitator/screenings/{id}`` (who joined, by pseudonym only;
close), ``/facilitator/themes`` (keyword rules; a clustering proposal to accept, rename,
merge or drop), ``/facilitator/actions`` (record, mark done).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, RedirectResponse, Response
from starlette.routing import Route

from workbench.exceptions import AccessError, ParameterError, WorkbenchError
from workbench.store import Store

COOKIE = "bwv_facilitator"
PROPOSAL_EXAMPLES = 3
RULE_ROWS_FREE = 2  # blank rows for new themes on the rules form


def _date(text: str, what: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ParameterError(f"{what} {text!r}: expected YYYY-MM-DD", field=what) from None


def _int(text: str, what: str) -> int:
    try:
        return int(text.strip())
    except ValueError:
        raise ParameterError(f"{what} {text!r}: expected a whole number", field=what) from None


def choose_clips(store: Store, form: dict[str, str]) -> tuple[list[str], dict[str, Any]]:
    """The clips of the create form: by hand, by a sampling rule, or at random."""
    from workbench.panels.selection import at_random, by_hand, by_rule

    method = form.get("method", "by_hand")
    if method == "by_hand":
        ids = form.get("clips", "").replace(",", " ").split()
        if not ids:
            raise ParameterError("name at least one clip", field="clips")
        return by_hand(store, ids)
    if method == "by_rule":
        equals = {k: form[k].strip() for k in ("power", "bcu", "borough") if form.get(k, "")
                  .strip()}
        since = _date(form["since"], "since") if form.get("since", "").strip() else None
        until = _date(form["until"], "until") if form.get("until", "").strip() else None
        limit = _int(form["limit"], "limit") if form.get("limit", "").strip() else None
        return by_rule(store, since=since, until=until, limit=limit, **equals)
    if method == "at_random":
        return at_random(store, _int(form.get("n", ""), "n"),
                         seed=_int(form.get("seed", "0") or "0", "seed"))
    raise ParameterError(f"method {method!r}: expected by_hand, by_rule or at_random",
                         field="method")


def facilitator_routes(url: str, joiner: Store, page: Callable[..., Response], *,
                       project: Path | None = None) -> list[Route]:
    """The facilitator's routes; ``page(name, status=…, **context)`` renders a template;
    ``project``: the project folder (the quarterly report needs it)."""

    def facilitator(request: Request) -> Store | None:
        code = request.cookies.get(COOKIE)
        who = joiner.facilitator_for_token(code) if code else None
        return Store.open(url, as_user=who) if who else None

    def guarded(handler: Callable[..., Any]) -> Callable[[Request], Any]:
        async def endpoint(request: Request) -> Response:
            store = facilitator(request)
            if store is None:
                return RedirectResponse("/facilitator/login", status_code=303)
            with store:
                try:
                    return await handler(request, store)
                except AccessError as exc:
                    return page("fac_error.html", status=403, error=str(exc))
        return endpoint

    async def login(request: Request) -> Response:
        code = request.query_params.get("code", "")
        if request.method == "POST":
            code = str((await request.form()).get("code", ""))
        if not code:
            return page("fac_login.html", error="")
        if joiner.facilitator_for_token(code.strip()) is None:
            return page("fac_login.html", status=403,
                        error="This login code is unknown or has expired.")
        response = RedirectResponse("/facilitator", status_code=303)
        response.set_cookie(COOKIE, code.strip(), httponly=True, samesite="strict")
        return response

    def home_page(store: Store, status: int = 200, error: str = "",
                  form: dict[str, str] | None = None, report: str = "") -> Response:
        folder = project / "outputs" / "panels" if project else None
        reports = sorted((p.name, (p / "report.pdf").is_file()) for p in folder.iterdir()
                         if (p / "report.html").is_file()) if folder and folder.is_dir() else []
        return page("fac_home.html", status=status, error=error, form=form or {},
                    screenings=store.screenings(), me=store.principal.name, report=report,
                    can_report=project is not None, reports=reports)

    async def home(request: Request, store: Store) -> Response:
        return home_page(store, report=request.query_params.get("report", ""))

    async def create(request: Request, store: Store) -> Response:
        form = {k: str(v) for k, v in (await request.form()).items()}
        try:
            clips, selection = choose_clips(store, form)
            made = store.create_screening(form.get("panel", ""),
                                          _date(form.get("held_on", ""), "date"), clips,
                                          form.get("code", ""), selection=selection,
                                          media_reviewed=form.get("media_reviewed") == "yes")
        except AccessError:
            raise
        except WorkbenchError as exc:
            return home_page(store, status=400, error=str(exc), form=form)
        return RedirectResponse(f"/facilitator/screenings/{made.screening_id}",
                                status_code=303)

    async def screening(request: Request, store: Store) -> Response:
        sid = request.path_params["screening_id"]
        try:
            found = store.screening(sid)
        except WorkbenchError as exc:
            return page("fac_error.html", status=404, error=str(exc))
        if request.method == "POST":
            store.close_screening(sid)
            return RedirectResponse(f"/facilitator/screenings/{sid}", status_code=303)
        members = sorted(m.pseudonym for m in store.panel_members(sid))
        return page("fac_screening.html", screening=found, members=members)

    def themes_page(store: Store, status: int = 200, error: str = "",
                    proposal: list[dict[str, Any]] | None = None,
                    k: int = 4, seed: int = 0, fingerprint: str = "") -> Response:
        from workbench.panels.themes import current_rules, store_themes, theme_counts

        rules = current_rules(store)
        themed = store_themes(store)
        counts = theme_counts(themed) if len(themed) else None
        return page("fac_themes.html", status=status, error=error, rules=rules,
                    free=RULE_ROWS_FREE, counts=counts, proposal=proposal, k=k, seed=seed,
                    fingerprint=fingerprint)

    async def themes(request: Request, store: Store) -> Response:
        return themes_page(store)

    async def save_rules(request: Request, store: Store) -> Response:
        form = await request.form()
        names, words = form.getlist("theme"), form.getlist("words")
        rules = {str(n): str(w).split(",") for n, w in zip(names, words, strict=False)
                 if str(n).strip() or str(w).strip()}
        try:
            store.set_theme_rules(rules)
        except AccessError:
            raise
        except WorkbenchError as exc:
            return themes_page(store, status=400, error=str(exc))
        return RedirectResponse("/facilitator/themes", status_code=303)

    def _proposal(store: Store, k: int, seed: int) -> Any:
        from workbench.panels.themes import cluster_proposal, comments_frame

        return cluster_proposal(comments_frame(store), k, seed=seed)

    def _fingerprint(proposal: Any) -> str:
        """The comments a proposal was made from (accepting needs the same ones)."""
        from workbench.panels.themes import comment_hash

        return comment_hash("\n".join(sorted(proposal["text"])))

    async def propose(request: Request, store: Store) -> Response:
        form = await request.form()
        try:
            k, seed = _int(str(form.get("k", "4")), "k"), _int(str(form.get("seed", "0")), "seed")
            found = _proposal(store, k, seed)
        except WorkbenchError as exc:
            return themes_page(store, status=400, error=str(exc))
        clusters = [{"cluster": int(c), "name": group["proposed_name"].iloc[0],
                     "n": len(group), "examples": list(dict.fromkeys(group["text"]))
                     [:PROPOSAL_EXAMPLES]} for c, group in found.groupby("cluster")]
        return themes_page(store, proposal=clusters, k=k, seed=seed,
                           fingerprint=_fingerprint(found))

    async def accept(request: Request, store: Store) -> Response:
        from workbench.panels.themes import accept_proposal, acceptance_rows

        form = await request.form()
        try:
            k, seed = _int(str(form.get("k", "")), "k"), _int(str(form.get("seed", "")), "seed")
            found = _proposal(store, k, seed)
            if form.get("fingerprint") != _fingerprint(found):
                raise ParameterError("the comments have changed since this proposal was "
                                     "made; propose the themes again", field="proposal")
            names = {c: (str(form.get(f"name-{c}", "")).strip() or None)
                     for c in sorted(set(found["cluster"]))}
            store.accept_comment_themes(acceptance_rows(accept_proposal(found, names)))
        except AccessError:
            raise
        except WorkbenchError as exc:
            return themes_page(store, status=400, error=str(exc))
        return RedirectResponse("/facilitator/themes", status_code=303)

    def actions_page(store: Store, status: int = 200, error: str = "") -> Response:
        from workbench.panels.themes import current_rules

        known = sorted(set(current_rules(store)) | {t for *_, t in store.comment_themes()})
        return page("fac_actions.html", status=status, error=error,
                    actions=store.panel_actions(), themes=known)

    async def actions(request: Request, store: Store) -> Response:
        if request.method == "POST":
            form = {k: str(v) for k, v in (await request.form()).items()}
            try:
                store.record_action(form.get("theme", ""), form.get("what", ""),
                                    form.get("who", ""), _date(form.get("due", ""), "due"))
            except AccessError:
                raise
            except WorkbenchError as exc:
                return actions_page(store, status=400, error=str(exc))
            return RedirectResponse("/facilitator/actions", status_code=303)
        return actions_page(store)

    async def action_done(request: Request, store: Store) -> Response:
        form = await request.form()
        store.set_action_done(int(request.path_params["action_id"]),
                              form.get("done", "yes") == "yes")
        return RedirectResponse("/facilitator/actions", status_code=303)

    async def run_report(request: Request, store: Store) -> Response:
        from workbench.panels.learning import parse_quarter
        from workbench.panels.learning_report import run_learning_report

        form = {k: str(v) for k, v in (await request.form()).items()}
        if project is None:
            return home_page(store, status=400, error="this server has no project folder")
        try:
            quarter = str(parse_quarter(form.get("quarter", "")))
            await run_in_threadpool(run_learning_report, project, quarter,
                                    as_user=store.principal.user_id, pdf=True)
        except WorkbenchError as exc:
            return home_page(store, status=400, error=str(exc), form=form)
        return RedirectResponse(f"/facilitator/reports/{quarter}/report.html",
                                status_code=303)

    async def report_file(request: Request, store: Store) -> Response:
        from workbench.panels.learning import parse_quarter

        name = request.path_params["name"]
        try:
            quarter = str(parse_quarter(request.path_params["quarter"]))
        except ParameterError:
            return Response("no such report", status_code=404)
        path = (project / "outputs" / "panels" / quarter / name) if project else None
        if name not in ("report.html", "report.pdf") or path is None or not path.is_file():
            return Response("no such report", status_code=404)
        return FileResponse(path)

    return [
        Route("/facilitator/login", login, methods=["GET", "POST"]),
        Route("/facilitator", guarded(home)),
        Route("/facilitator/screenings", guarded(create), methods=["POST"]),
        Route("/facilitator/screenings/{screening_id}", guarded(screening),
              methods=["GET", "POST"]),
        Route("/facilitator/themes", guarded(themes)),
        Route("/facilitator/themes/rules", guarded(save_rules), methods=["POST"]),
        Route("/facilitator/themes/propose", guarded(propose), methods=["POST"]),
        Route("/facilitator/themes/accept", guarded(accept), methods=["POST"]),
        Route("/facilitator/actions", guarded(actions), methods=["GET", "POST"]),
        Route("/facilitator/actions/{action_id:int}", guarded(action_done), methods=["POST"]),
        Route("/facilitator/report", guarded(run_report), methods=["POST"]),
        Route("/facilitator/reports/{quarter}/{name}", guarded(report_file)),
    ]
