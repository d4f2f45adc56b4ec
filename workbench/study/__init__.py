"""The study pipeline: parameters, data, the outputs registry, and the run (``bwv study``).

Notebooks use :func:`open_study` and :func:`counts`; the runner lives in
:mod:`workbench.study.runner` (imported on demand: it pulls in papermill).
"""

from workbench.study.data import StudyData, load_study_data
from workbench.study.gate import CountRule, counts
from workbench.study.outputs import StudyOutputs
from workbench.study.params import StudyParams, load_params
from workbench.study.session import Study, open_study

__all__ = [
    "CountRule",
    "Study",
    "StudyData",
    "StudyOutputs",
    "StudyParams",
    "counts",
    "load_params",
    "load_study_data",
    "open_study",
]
