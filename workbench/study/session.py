"""What a study notebook opens first: its parameters, its data and its outputs registry.

A notebook's ``parameters`` cell sets ``params_path``, ``project``, ``run_dir`` and
``snapshot``; the next cell calls::

    study = open_study("03_prevalence", "Prevalence of codes", params_path=params_path,
                       project=project, run_dir=run_dir, snapshot=snapshot)

Under ``bwv study run`` the runner passes a snapshot of the data (read once per run), and the
sections share the run's private disclosure-audit folder beside it (:func:`audit_folder`); a
notebook opened on its own reads the project's store instead, writes into
``<output_dir>/interactive`` and audits its own tables only.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from workbench.exceptions import ParameterError
from workbench.project import BUNDLED_CODEBOOKS, Project
from workbench.study.data import StudyData, load_study_data
from workbench.study.gate import PrivacyGate, PublicationGate
from workbench.study.labels import Labels
from workbench.study.outputs import StudyOutputs
from workbench.study.params import StudyParams, load_params

INTERACTIVE_RUN = "interactive"


@dataclass(frozen=True)
class Study:
    """One section of a run: ``params``, ``data`` (:class:`StudyData`), ``out`` (registry)."""

    params: StudyParams
    data: StudyData
    out: StudyOutputs
    gate: PublicationGate


def resolve_params(params_path: str | Path | None = None, project: str | Path | None = None
                   ) -> tuple[StudyParams, Path]:
    """Load ``params_path`` and fill store and codebook from the project where not given.

    Returns the resolved parameters and the codebooks folder. Runs go to the project's
    ``outputs/`` unless the file names an ``output_dir``. Without a project folder
    (``project`` None, no ``$BWV_PROJECT`` and no ``bwv.yaml`` here) the file must name both
    ``store`` and ``codebook``.
    """
    params = load_params(params_path)
    base = Path(params_path).resolve().parent if params_path is not None else None
    try:
        proj = Project.load(project)
    except ParameterError:
        if project is not None or params.store is None or params.codebook is None:
            raise
        return params.resolved(store=params.store, codebook=params.codebook,
                               base=base), BUNDLED_CODEBOOKS
    if "output_dir" not in params.model_fields_set:
        base = proj.root  # the default: the project's outputs/ folder, wherever we are
    return (params.resolved(store=proj.store_url, codebook=proj.codebook, base=base),
            proj.codebooks_dir)


def audit_folder(snapshot: str | Path) -> Path:
    """The run's private disclosure-audit folder, beside its data snapshot."""
    return Path(snapshot).parent / "audit"


def make_gate(params: StudyParams) -> PublicationGate:
    """The publication gate for these parameters (threshold, rounding)."""
    return PrivacyGate(params.disclosure_threshold, rounding_base=params.rounding_base,
                       small_cells_reason=params.small_cells_waiver)


def open_study(section: str, title: str, *, params_path: str | Path | None = None,
               project: str | Path | None = None, run_dir: str | Path | None = None,
               snapshot: str | Path | None = None, intro: str = "") -> Study:
    """Open one section of a study run (see the module docstring).

    Parameters
    ----------
    section : the section id (the notebook's name, e.g. ``"03_prevalence"``).
    title : its heading in the report.
    params_path : the study parameter file (None: defaults).
    project : the project folder (None: ``$BWV_PROJECT`` or the current folder).
    run_dir : the run folder (None: ``<output_dir>/interactive``).
    snapshot : a data snapshot written by the runner (None: read the store).
    intro : a short paragraph under the heading.
    """
    if snapshot is not None:
        data = StudyData.load(snapshot)
        params = data.params
    else:
        params, codebooks_dir = resolve_params(params_path, project)
        data = load_study_data(params, codebooks_dir=codebooks_dir)
    folder = Path(run_dir) if run_dir is not None else params.output_dir / INTERACTIVE_RUN
    gate = make_gate(params)
    audit = audit_folder(snapshot) if snapshot is not None else None
    out = StudyOutputs(folder, section, title, gate=gate, intro=intro,
                       labels=Labels(data.codebook), audit_dir=audit)
    return Study(params, data, out, gate)
