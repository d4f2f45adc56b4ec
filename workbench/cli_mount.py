"""Lazy mounting of ``bwv`` sub-commands: a sub-command's module is imported only when it runs.

``bwv --help`` lists every sub-command from the one-line help given here, so it imports none
of them (no pandas, SQLAlchemy, scikit-learn, statsmodels or matplotlib: ROUND2 "CLI start").
Mount an area's typer app, or a single command function, with one line in `workbench.cli`::

    mount("codebook", "workbench.cli_codebook:app", "Codebooks: validate, show, diff …")
"""

from __future__ import annotations

import importlib
from typing import Any

import typer
from typer import _click
from typer.core import TyperCommand, TyperGroup

#: name → (module:attribute, one-line help), in mounting order.
LAZY: dict[str, tuple[str, str]] = {}


def mount(name: str, target: str, help_text: str) -> None:
    """Register sub-command ``name``: ``target`` is "module:attribute", a `typer.Typer` app or
    a command function; ``help_text`` is what ``bwv --help`` shows for it."""
    if ":" not in target:
        raise ValueError(f"mount target must be 'module:attribute', got '{target}'")
    LAZY[name] = (target, help_text)


def load(name: str) -> _click.Command:
    """Import a mounted sub-command and build its click command."""
    target, help_text = LAZY[name]
    module_name, attribute = target.split(":")
    obj: Any = getattr(importlib.import_module(module_name), attribute)
    if not isinstance(obj, typer.Typer):
        single = typer.Typer()
        single.command(name)(obj)
        obj = single
    command = typer.main.get_command(obj)
    command.name = name
    # a stand-alone typer app carries the shell-completion options; the main app has them
    command.params = [p for p in command.params
                      if p.name not in ("install_completion", "show_completion")]
    if not command.help:
        command.help = help_text
    return command


class LazyGroup(TyperGroup):
    """A typer group whose mounted sub-commands (`LAZY`) are imported on first use."""

    def list_commands(self, ctx: _click.Context) -> list[str]:
        names = super().list_commands(ctx)
        return [*names, *(n for n in LAZY if n not in names)]

    def get_command(self, ctx: _click.Context, cmd_name: str) -> _click.Command | None:
        """The command, or for a mounted one not yet imported a stand-in carrying its help
        (enough to list it in ``bwv --help``; `resolve_command` imports it to run it)."""
        if cmd_name in self.commands or cmd_name not in LAZY:
            return super().get_command(ctx, cmd_name)
        help_text = LAZY[cmd_name][1]
        return TyperCommand(cmd_name, help=help_text, short_help=help_text)

    def resolve_command(
        self, ctx: _click.Context, args: list[str]
    ) -> tuple[str | None, _click.Command | None, list[str]]:
        if args and args[0] in LAZY and args[0] not in self.commands:
            self.commands[args[0]] = load(args[0])
        return super().resolve_command(ctx, args)
