"""Sets of catalog entries as Python integers: bit ``i`` set means entry ``i`` is in the set.

Union, intersection and difference of two sets are one integer operation each (``|``, ``&``,
``& ~``), which is what makes per-identity effective permissions cheap at scale.
"""

from __future__ import annotations

from collections.abc import Iterable


def bits_from_indices(indices: Iterable[int], size: int) -> int:
    """Build the set holding ``indices`` (each below ``size``) in one pass."""
    buffer = bytearray((size + 7) // 8)
    for index in indices:
        buffer[index >> 3] |= 1 << (index & 7)
    return int.from_bytes(buffer, "little")


def indices_of(bits: int) -> list[int]:
    """The members of a set, in increasing order."""
    if bits <= 0:
        return []
    digits = bin(bits)[:1:-1]  # least significant bit first, without the "0b" prefix
    found: list[int] = []
    position = digits.find("1")
    while position != -1:
        found.append(position)
        position = digits.find("1", position + 1)
    return found


def range_bits(start: int, stop: int) -> int:
    """The set ``{start, ..., stop - 1}``."""
    if stop <= start:
        return 0
    return ((1 << (stop - start)) - 1) << start
