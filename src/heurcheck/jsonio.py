"""Schema-checked reading of JSON documents, with messages that name the field, the value and what was expected.

Every file heurcheck reads goes through `load_document` and a `Node` walk; nothing
from a user's file is evaluated. Decimal numbers are read exactly (0.1 is 1/10).
"""

from __future__ import annotations

import json
import math
import os
import stat
import tempfile
from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path
from typing import Any, NoReturn

from .errors import HeurcheckError, InvalidInstance

MAX_DOCUMENT_BYTES = 64 * 2**20  # the default limit on the bytes read from one file
LIMIT_VARIABLE = "HEURCHECK_MAX_FILE_BYTES"  # the environment variable that changes it
MAX_DIGITS = 100  # digits of a number's numerator or denominator in an input (a file or an argument)
MAX_EXPONENT = 1000  # a decimal exponent beyond this is refused: 1e999999999 would take hours to make exact


def _reject_constant(name: str) -> NoReturn:
    raise ValueError(f"{name} is not a valid JSON number here")


def exact_number(text: str) -> Fraction:
    """The exact rational that a decimal or "p/q" text denotes (ValueError or ZeroDivisionError if none);
    an exponent beyond +-MAX_EXPONENT is a ValueError, not an hours-long computation."""
    _, e, exponent = text.strip().lower().partition("e")
    digits = exponent.lstrip("+-").lstrip("0")
    if e and digits.isdigit() and (len(digits) > len(str(MAX_EXPONENT)) or int(digits) > MAX_EXPONENT):
        raise ValueError(f"the number {text[:40]!r} has an exponent beyond +-{MAX_EXPONENT}")
    return Fraction(text.strip())


def too_many_digits(q: Fraction) -> bool:
    """Whether a number in an input has a numerator or denominator of more than MAX_DIGITS digits."""
    return abs(q.numerator) > 10**MAX_DIGITS or q.denominator > 10**MAX_DIGITS


def parse_json(text: str) -> Any:
    """Parse JSON text; decimals become exact Fractions, NaN and Infinity are refused."""
    return json.loads(text, parse_float=exact_number, parse_constant=_reject_constant)


def max_document_bytes() -> int:
    """The most bytes heurcheck reads from one file: HEURCHECK_MAX_FILE_BYTES from the environment, else
    MAX_DOCUMENT_BYTES (64 MiB). A bad value is an error naming it, not a silent default."""
    text = os.environ.get(LIMIT_VARIABLE)
    if text is None:
        return MAX_DOCUMENT_BYTES
    try:
        value = int(text)
        if value < 1:
            raise ValueError
    except ValueError:
        raise HeurcheckError(f"{LIMIT_VARIABLE}={text!r}: expected a number of bytes >= 1") from None
    return value


def load_document(path: str | os.PathLike[str], error: type[HeurcheckError] = InvalidInstance) -> Any:
    """Read and parse a JSON file, turning every failure into `error` naming the file. Only a regular file
    is read (a FIFO, a device such as /dev/zero, a directory is refused before a byte is read), and no more
    than `max_document_bytes()` of it."""
    p = Path(path)
    limit = max_document_bytes()
    try:
        # O_NONBLOCK: opening a FIFO must not wait for a writer; the file's type is checked before reading
        fd = os.open(p, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
        try:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode):
                raise error(f"{p}: not a regular file (a {_file_kind(info.st_mode)}); expected a JSON file")
            if info.st_size > limit:
                raise error(f"{p}: file is {info.st_size} bytes, more than the limit of {limit} ({LIMIT_VARIABLE})")
            with open(fd, "rb", closefd=False) as f:
                data = f.read(limit + 1)  # the size stat reports can be wrong (0 for files under /proc)
        finally:
            os.close(fd)
        if len(data) > limit:
            raise error(f"{p}: file is more than {limit} bytes, the limit ({LIMIT_VARIABLE})")
        text = data.decode("utf-8")
    except HeurcheckError:
        raise
    except (OSError, UnicodeDecodeError) as exc:
        raise error(f"{p}: cannot read file ({exc.__class__.__name__}: {exc})") from None
    try:
        return parse_json(text)
    except (ValueError, RecursionError) as exc:
        raise error(f"{p}: not valid JSON ({exc})") from None


def _file_kind(mode: int) -> str:
    for test, name in ((stat.S_ISFIFO, "FIFO"), (stat.S_ISCHR, "character device"), (stat.S_ISBLK, "block device"),
                       (stat.S_ISSOCK, "socket"), (stat.S_ISDIR, "directory")):
        if test(mode):
            return name
    return "special file"


def _plain(value: Any) -> Any:
    if isinstance(value, Fraction):
        return value.numerator if value.denominator == 1 else str(value)
    return value


def number_to_json(value: Any) -> Any:
    """A number in its JSON form: int if integral, a "p/q" string for other Fractions, float otherwise."""
    if isinstance(value, bool):
        raise TypeError("booleans are not numbers here")
    if isinstance(value, int):
        return value
    if isinstance(value, Fraction):
        return _plain(value)
    return float(value)


def write_json_atomic(path: str | os.PathLike[str], document: Any) -> None:
    """Write `document` as JSON to `path` atomically (see `write_text_atomic`)."""
    write_text_atomic(path, json.dumps(document, indent=2, sort_keys=False) + "\n")


class Node:
    """A value inside a JSON document together with its path, for precise error messages."""

    __slots__ = ("value", "path", "error")

    def __init__(self, value: Any, path: str = "$", error: type[HeurcheckError] = InvalidInstance) -> None:
        self.value = value
        self.path = path
        self.error = error

    def fail(self, expected: str) -> NoReturn:
        shown = repr(_plain(self.value))
        if len(shown) > 80:
            shown = shown[:77] + "..."
        raise self.error(f"field {self.path}: expected {expected}, got {shown}")

    def child(self, key: str | int, value: Any) -> Node:
        path = f"{self.path}[{key}]" if isinstance(key, int) else f"{self.path}.{key}"
        return Node(value, path, self.error)

    def object(self, required: tuple[str, ...] = (), optional: tuple[str, ...] = ()) -> Node:
        if not isinstance(self.value, dict):
            self.fail("an object")
        missing = [k for k in required if k not in self.value]
        if missing:
            raise self.error(f"field {self.path}.{missing[0]}: missing (required fields: {', '.join(required)})")
        allowed = set(required) | set(optional)
        extra = sorted(k for k in self.value if k not in allowed)
        if extra:
            raise self.error(
                f"field {self.path}.{extra[0]}: unknown field (expected only: {', '.join(sorted(allowed))})"
            )
        return self

    def __getitem__(self, key: str) -> Node:
        if not isinstance(self.value, dict) or key not in self.value:
            raise self.error(f"field {self.path}.{key}: missing")
        return self.child(key, self.value[key])

    def get(self, key: str, default: Any = None) -> Node:
        if isinstance(self.value, dict) and key in self.value:
            return self.child(key, self.value[key])
        return Node(default, f"{self.path}.{key}", self.error)

    def present(self, key: str) -> bool:
        return isinstance(self.value, dict) and key in self.value

    def items(self, min_len: int = 0, max_len: int | None = None) -> Iterator[Node]:
        if not isinstance(self.value, list):
            self.fail("a list")
        n = len(self.value)
        if n < min_len or (max_len is not None and n > max_len):
            bound = f"at least {min_len}" if max_len is None else f"{min_len} to {max_len}"
            if max_len == min_len:
                bound = str(min_len)
            raise self.error(f"field {self.path}: expected a list of {bound} items, got {n} items")
        return (self.child(i, v) for i, v in enumerate(self.value))

    def string(self, choices: tuple[str, ...] | None = None) -> str:
        if not isinstance(self.value, str):
            self.fail("a string" if choices is None else f"one of {', '.join(choices)}")
        if choices is not None and self.value not in choices:
            self.fail(f"one of {', '.join(choices)}")
        return self.value

    def integer(self, minimum: int | None = None, maximum: int | None = None) -> int:
        v = self.value
        if isinstance(v, Fraction) and v.denominator == 1:
            v = v.numerator
        if isinstance(v, bool) or not isinstance(v, int):
            self.fail("an integer")
        if (minimum is not None and v < minimum) or (maximum is not None and v > maximum):
            lo = "-inf" if minimum is None else minimum
            hi = "inf" if maximum is None else maximum
            self.fail(f"an integer in [{lo}, {hi}]")
        return v

    def number(self, minimum: Fraction | int | None = None, maximum: Fraction | int | None = None) -> Fraction:
        """An exact rational: a JSON int, a JSON decimal, or a string "p/q"."""
        v = self.value
        if isinstance(v, bool):
            self.fail("a number")
        if isinstance(v, str):
            try:
                q = exact_number(v)
            except (ValueError, ZeroDivisionError):
                self.fail('a number (an int, a decimal, or a string "p/q")')
        elif isinstance(v, (int, Fraction)):
            q = Fraction(v)
        elif isinstance(v, float) and math.isfinite(v):  # a document read with the standard json module
            q = Fraction(v)
        else:
            self.fail('a number (an int, a decimal, or a string "p/q")')
        if too_many_digits(q):
            self.fail(f"a number of at most {MAX_DIGITS} digits")
        if (minimum is not None and q < minimum) or (maximum is not None and q > maximum):
            lo = "-inf" if minimum is None else _plain(Fraction(minimum))
            hi = "inf" if maximum is None else _plain(Fraction(maximum))
            self.fail(f"a number in [{lo}, {hi}]")
        return q

    def boolean(self) -> bool:
        if not isinstance(self.value, bool):
            self.fail("true or false")
        return self.value


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_text_atomic(path: str | os.PathLike[str], text: str) -> None:
    """Write text to `path` atomically (a temporary file in the same folder, then a rename)."""
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{p.name}.", dir=p.parent)
    try:
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; a report should read like any written file
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, p)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
