"""The `heurcheck` command line: each command parses, resolves names, calls one library function, renders, exits.

Exit status: 0 success, 1 an estimator failed (or, for checks, a counterexample), 2 usage or input error.
One module per command; this one assembles the group.
"""

from __future__ import annotations

import click

from .card import card_command
from .check import check_command
from .diff import diff_command
from .estimate import estimate_command
from .explain import explain_command
from .generate import generate_group
from .listing import list_command
from .matrix import matrix_command
from .plot import plot_command
from .replay import replay_command

__all__ = ["main", "run"]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="heurcheck")
def main() -> None:
    """Check heuristic estimators against the properties asked of them, and find counterexamples."""


for _command in (list_command, estimate_command, check_command, matrix_command, diff_command, replay_command,
                 generate_group, explain_command, plot_command, card_command):
    main.add_command(_command)


def run(argv: list[str] | None = None, entry: click.Command = main) -> int:
    """Run the command line in-process (used by tests); returns the exit status."""
    try:
        entry.main(args=argv, prog_name="heurcheck", standalone_mode=False)
    except SystemExit as exc:
        return int(exc.code or 0)
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    return 0
