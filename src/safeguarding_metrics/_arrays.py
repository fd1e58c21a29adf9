"""Array kernels shared by the core: turning identifiers into integer codes."""

from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = ["factorize", "factorize_compact", "freeze"]

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)


def factorize(values: npt.NDArray[np.str_]) -> tuple[npt.NDArray[np.str_], npt.NDArray[np.int64]]:
    """The distinct *values* in sorted order, and each value's position among them.

    Equal to `numpy.unique(values, return_inverse=True)`, but much faster for the short
    identifiers of the returns: identifiers whose characters fit in one byte are packed into
    64-bit words and grouped by integer sorting (by a hash of the words when an identifier
    is longer than 8 characters, with every group checked so a hash collision can never
    merge two identifiers).
    """
    n = len(values)
    if n == 0:
        return values[:0].copy(), np.zeros(0, dtype=np.int64)
    width = values.dtype.itemsize // 4
    if width == 0:
        return values[:1].copy(), np.zeros(n, dtype=np.int64)
    chars = np.ascontiguousarray(values).view(np.uint32).reshape(n, width)
    if int(chars.max()) >= 256:
        return _slow(values)
    blocks = (width + 7) // 8
    packed = np.zeros((n, 8 * blocks), dtype=np.uint8)
    packed[:, :width] = chars
    # Big-endian words keep byte order, so integer order is the strings' order.
    packed_words = packed.view(">u8")
    words = [packed_words[:, j].astype(np.uint64) for j in range(blocks)]
    if blocks == 1:
        key = words[0]
        order = np.argsort(key, kind="stable")
        starts = _run_starts(key[order])
        return values[order[starts]], _codes(order, starts)
    mixed = words[0].copy()
    with np.errstate(over="ignore"):
        for word in words[1:]:
            mixed = (mixed ^ (mixed >> np.uint64(31))) * _GOLDEN + word
        mixed ^= mixed >> np.uint64(29)
    order = np.argsort(mixed, kind="stable")
    starts = _run_starts(mixed[order])
    same_key = ~starts[1:]
    for word in words:
        ordered = word[order]
        if (ordered[1:][same_key] != ordered[:-1][same_key]).any():
            return _slow(values)  # a hash collision: rare enough to take the slow path
    group_codes = _codes(order, starts)
    firsts = order[starts]
    # Put the distinct values in string order.
    rank_order = np.lexsort(tuple(word[firsts] for word in reversed(words)))
    rank = np.empty(len(firsts), dtype=np.int64)
    rank[rank_order] = np.arange(len(firsts), dtype=np.int64)
    return values[firsts[rank_order]], rank[group_codes]


def _run_starts(ordered: npt.NDArray[Any]) -> npt.NDArray[np.bool_]:
    starts = np.empty(len(ordered), dtype=np.bool_)
    starts[0] = True
    starts[1:] = ordered[1:] != ordered[:-1]
    return starts


def _codes(order: npt.NDArray[np.intp], starts: npt.NDArray[np.bool_]) -> npt.NDArray[np.int64]:
    codes = np.empty(len(order), dtype=np.int64)
    codes[order] = np.cumsum(starts) - 1
    return codes


def _slow(values: npt.NDArray[np.str_]) -> tuple[npt.NDArray[np.str_], npt.NDArray[np.int64]]:
    uniques, inverse = np.unique(values, return_inverse=True)
    return uniques, inverse.reshape(-1).astype(np.int64)


def factorize_compact(
    values: npt.NDArray[np.str_],
) -> tuple[npt.NDArray[np.str_], npt.NDArray[np.int64]]:
    """`factorize(values)`, several times faster for identifiers of a regular shape.

    The returns' identifiers use a narrow range of characters at each position (a letter or
    two, then digits). Each character is stored as its offset from the smallest character
    at its position, in just enough bits for that position's range; the offsets, packed
    with the row number, make one int64 per identifier whose order is the identifiers'
    string order, so a single integer sort groups them exactly (no hashing). When the
    packed keys would not fit in 63 bits, or a character is beyond one byte, this is
    `factorize`.
    """
    n = len(values)
    width = values.dtype.itemsize // 4
    if n == 0 or width == 0:
        return factorize(values)
    chars = np.ascontiguousarray(values).view(np.uint32).reshape(n, width)
    if int(chars.max()) >= 256:
        return factorize(values)
    row_bits = max((n - 1).bit_length(), 1)
    data = chars.astype(np.uint8)
    key = np.zeros(n, dtype=np.int64)
    used = 0
    for position in range(width):
        column = data[:, position]
        low, high = int(column.min()), int(column.max())
        if low == high:
            continue  # the same character in every identifier: it orders nothing
        bits = (high - low).bit_length()
        used += bits
        if used + row_bits > 63:
            return factorize(values)
        key <<= bits
        key |= column - np.uint8(low)
    del data, chars
    key <<= row_bits
    key |= np.arange(n, dtype=np.int64)
    key.sort()
    order = key & ((1 << row_bits) - 1)
    key >>= row_bits
    starts = _run_starts(key)
    return values[order[starts]], _codes(order, starts)


def freeze(array: npt.NDArray[Any]) -> npt.NDArray[Any]:
    """*array*, made read-only in place, so it can be shared (kept in a dataset's cache)."""
    array.flags.writeable = False
    return array
