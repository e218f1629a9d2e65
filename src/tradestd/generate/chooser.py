"""Where generation gets its choices from: a seeded random engine or hypothesis' draw.

The generator asks only two questions, ``integer(low, high)`` and ``boolean()``; every
other choice is made of them. Hypothesis shrinks both toward their first answer (``low``,
``False``), so an optional part drawn with ``boolean()`` shrinks to absent and a repeat
count to its minimum: failing examples shrink toward minimal valid instances.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from typing import Any, Protocol, TypeVar

T = TypeVar("T")


class Chooser(Protocol):
    def integer(self, low: int, high: int) -> int:
        """A whole number in ``[low, high]``; shrinks toward ``low``."""

    def boolean(self) -> bool:
        """Shrinks toward ``False``."""


def pick(chooser: Chooser, options: Sequence[T]) -> T:
    """One of ``options`` (shrinks toward the first)."""
    return options[chooser.integer(0, len(options) - 1)] if len(options) > 1 else options[0]


class RandomChooser:
    """Choices from :class:`random.Random` with a seed: the same seed, the same messages
    (on every run and machine: ``random.Random`` is specified to be reproducible)."""

    def __init__(self, seed: int | str) -> None:
        self.random = random.Random(seed)
        self._draw = self.random.random

    def integer(self, low: int, high: int) -> int:
        if high <= low:
            return low
        if high - low < 1 << 40:  # one float draw (randint's rejection loop costs more)
            return low + int(self._draw() * (high - low + 1))
        return self.random.randint(low, high)

    def boolean(self) -> bool:
        return self._draw() < 0.5


class DrawChooser:
    """Choices from a hypothesis ``draw`` function (``tradestd.testing``)."""

    def __init__(self, draw: Callable[[Any], Any], integers: Callable[[int, int], Any],
                 booleans: Any) -> None:
        self.draw = draw
        self._integers = integers
        self._booleans = booleans

    def integer(self, low: int, high: int) -> int:
        return low if high <= low else int(self.draw(self._integers(low, high)))

    def boolean(self) -> bool:
        return bool(self.draw(self._booleans))
