"""`heurcheck generate`: random instances of a domain's research distribution."""

from __future__ import annotations

import json

import click

from ..domains import get_domain
from ..jsonio import write_json_atomic
from .common import input_errors


@click.group("generate")
def generate_group() -> None:
    """Write a random instance of a domain's research distribution as JSON."""


@generate_group.command("mlp")
@click.option("--depth", type=int, required=True, help="Number of layers (>= 1).")
@click.option("--width", type=int, required=True, help="Units per layer (>= 1).")
@click.option("--seed", type=int, required=True, help="Seed of the weights and biases.")
@click.option("--activation", default="relu", show_default=True, help="Every layer's activation.")
@click.option("--bias-std", type=float, default=0.0, show_default=True, help="Standard deviation of the biases.")
@click.option("--input-dim", type=int, default=None, help="Input dimension (default: the width).")
@click.option("--readout", default="sum", show_default=True, help="sum (of the last layer's units) or unit (its first).")
@click.option("-o", "--output", type=click.Path(dir_okay=False), default=None, help="Write here (else stdout).")
def generate_mlp_command(depth: int, width: int, seed: int, activation: str, bias_std: float, input_dim: int | None,
                         readout: str, output: str | None) -> None:
    """A network with weights N(0, w_var / fan_in) (w_var 2 after the first relu layer, else 1).

    \b
    Example:
      heurcheck generate mlp --depth 4 --width 256 --seed 0 -o net.json
    """
    from ..domains.mlp import research_mlp

    with input_errors():
        net = research_mlp(depth, width, seed, activation=activation, bias_std=bias_std, input_dim=input_dim,
                           readout=readout)
        doc = get_domain("mlp").to_json(net)
    if output is None:
        click.echo(json.dumps(doc))
    else:
        write_json_atomic(output, doc)
