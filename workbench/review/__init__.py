"""The review workflow on the store: assignment, adjudication, consensus, project reports.

Uses the pure statistics in :mod:`workbench.reliability` (which never import the store).
"""
