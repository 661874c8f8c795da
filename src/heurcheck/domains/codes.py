"""Cases drawn as byte codes: few Hypothesis choices, each decoded into several fields.

A search's cost per case grows with its number of Hypothesis choices (its choice tree, spans, mutations
and shrink passes all work choice by choice), so the strategies of the busiest domains draw a gate, an
input law or an argument atom as one choice of CODE_BYTES bytes, one byte per field, and decode each
byte by a table lookup: the byte modulo the table's length, so that 0 is the table's first, simplest
entry and Hypothesis, which shrinks each byte of a choice towards 0 on its own, simplifies each field.

Why bytes and not one integer per code decoded in mixed radix: Hypothesis draws integers from a wide
range log-uniformly (the median of 0..516095 drawn was about 6,000), which would leave the leading
field at its first value almost always; it draws bytes uniformly.
Why one size for every code: Hypothesis's mutator copies a drawn span over another of the same label
(every bytes draw has one label), and a copy of another size does not fit there and is replaced by
zeros (a quarter of the gates were all-zero codes when gates and laws had codes of 4 and 5 bytes), so a
value that needs more bytes is drawn as several codes of this one size. For the same reason the
strategies give the codes of gates, of laws and of argument atoms labels of their own (see `circuits`).
Why the field read on every decoding last (a gate's op, a law's kind): Hypothesis's `target` phase
climbs by adding small numbers to a choice read as a big-endian integer, that is, to its last byte; a
last byte that a case does not read gives the same case again, a draw spent on nothing.
"""

from __future__ import annotations

import functools
from typing import Any

CODE_BYTES = 5


@functools.lru_cache(maxsize=1)
def codes() -> Any:
    """The strategy of one code, CODE_BYTES bytes (one object: Hypothesis validates a strategy object once)."""
    from hypothesis import strategies as st  # lazy: hypothesis takes a noticeable time to import

    return st.binary(min_size=CODE_BYTES, max_size=CODE_BYTES)


def draw_code(draw: Any, nbytes: int = CODE_BYTES) -> bytes:
    """`nbytes` bytes (at least 1) drawn with `draw` (a composite strategy's) as ceil(nbytes / CODE_BYTES)
    codes: their last `nbytes` bytes, the spare ones first (see the module's note on the last byte).
    Drawn one code at a time rather than through a mapped strategy: Hypothesis gives every mapped
    strategy one label, and its mutator would copy other mapped draws (a list of atoms) over these."""
    one = codes()
    drawn = b"".join(draw(one) for _ in range(-(-max(1, nbytes) // CODE_BYTES)))
    return drawn[len(drawn) - nbytes :]


def pick(table: Any, byte: int) -> Any:
    """The entry of `table` that `byte` stands for (the first one for 0)."""
    return table[byte % len(table)]
