"""Array kernels shared by the core: turning identifiers into integer codes.

The returns' identifiers are short and regular: a letter or two, then digits. `CharacterKeys`
turns each into one int64 whose order is the identifiers' string order (each character as
its offset within the range that position takes, in mixed radix), so identifiers are coded
with integer operations: by a bit per possible key (counting the bits below a key gives its
code) when the keys span a range not much larger than the identifiers themselves, else by
one integer sort. Identifiers whose keys
would not fit in 63 bits fall back to hashing 8 characters at a time, then to
`numpy.unique`.

Index arrays (codes, rows, positions) are `np.intp`, so they index arrays on platforms where
`intp` is 32 bits; keys are values, and stay int64.
"""

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from safeguarding_metrics._dates import NAT_DAY

__all__ = [
    "CharacterKeys",
    "DeferredText",
    "Identifiers",
    "RankDirectory",
    "SortedRows",
    "StoredText",
    "as_unicode",
    "child_day_order",
    "child_day_sort",
    "code_many",
    "code_points",
    "factorize",
    "factorize_compact",
    "factorize_many",
    "freeze",
    "group_firsts",
    "no_rows",
    "position_among",
    "row_numbers",
    "stable_order",
]

IntpArray = npt.NDArray[np.intp]
KeyArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
TextArray = npt.NDArray[np.str_]
StoredText = npt.NDArray[np.str_] | npt.NDArray[np.bytes_]
"""Text as a collection stores it: unicode, or ASCII bytes (`S`) as read from Arrow."""

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_KEY_LIMIT = 1 << 62
"""Keys stay below this, so a key plus one never overflows int64."""
_BLOCK = 1 << 14
"""Rows per block when keys are computed, so a block's columns stay in the processor's cache."""
_PAIR_BLOCK = 1 << 16
"""Positions per block where sorted (child, day) keys are read a block at a time."""
_FOLD = 32
"""Rows folded into one when the per-position character ranges are found."""
_TABLE_ENTRIES_PER_ROW = 6
"""A table of up to this many possible keys per identifier codes them by key (a byte per
possible key while it is built, a quarter of a byte once built): less memory than a sort
takes (some 25 bytes per identifier), and several times faster."""


def _width(values: StoredText) -> int:
    """The characters each value of *values* has room for."""
    return values.dtype.itemsize // (4 if values.dtype.kind == "U" else 1)


def code_points(values: StoredText) -> npt.NDArray[np.uint32] | npt.NDArray[np.uint8]:
    """*values* as a (rows, characters) array of code points.

    ASCII bytes (`S`) are their own code points, so they are viewed, one byte each.
    """
    unit = np.uint32 if values.dtype.kind == "U" else np.uint8
    chars: Any = np.ascontiguousarray(values).view(unit)
    return chars.reshape(len(values), _width(values))  # type: ignore[no-any-return]


def as_unicode(values: StoredText) -> TextArray:
    """*values* as a unicode array (ASCII bytes widened; unicode returned as it is)."""
    if values.dtype.kind == "U":
        return values  # type: ignore[return-value]
    width = _width(values)
    widened = np.zeros((len(values), max(width, 1)), dtype=np.uint32)
    if width:
        widened[:, :width] = code_points(values)
    result: TextArray = widened.view(f"<U{max(width, 1)}").reshape(len(values))
    return result


def _ranges(chars: npt.NDArray[Any]) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """The smallest and largest code point at each position of *chars* (at least one row)."""
    n, width = chars.shape
    folded = (n // _FOLD) * _FOLD
    low = chars[folded:].min(axis=0, initial=np.iinfo(chars.dtype).max).astype(np.int64)
    high = chars[folded:].max(axis=0, initial=0).astype(np.int64)
    if folded:
        # Several rows side by side make the reductions' inner loops long enough to be fast.
        wide = chars[:folded].reshape(folded // _FOLD, _FOLD * width)
        low = np.minimum(low, wide.min(axis=0).reshape(_FOLD, width).min(axis=0))
        high = np.maximum(high, wide.max(axis=0).reshape(_FOLD, width).max(axis=0))
    return low, high


class CharacterKeys:
    """Order-preserving int64 keys for identifiers of a narrow range of characters.

    Fitted to some identifiers, it gives each identifier whose characters lie within the
    ranges seen at each position the key ``sum((char[p] - low[p]) * weight[p])``, where the
    weights are the mixed radix of the positions' ranges: keys compare as the identifiers
    do (numpy's order: by code point, a shorter identifier before its extensions), and
    distinct identifiers have distinct keys, from 0 to `size` - 1.

    Attributes:
        width: The number of characters of the widest identifier fitted.
        size: One more than the largest possible key.
    """

    __slots__ = ("_high", "_low", "_used", "_weight", "size", "width")

    def __init__(self, low: npt.NDArray[np.int64], high: npt.NDArray[np.int64], size: int) -> None:
        """Keys for characters between *low* and *high* at each position (see `fit`)."""
        self.width = len(low)
        self.size = size
        self._low = low
        self._high = high
        radix = high - low + 1
        weight = np.zeros(self.width, dtype=np.int64)
        scale = 1
        for position in range(self.width - 1, -1, -1):
            if radix[position] > 1:
                weight[position] = scale
                scale *= int(radix[position])
        self._weight = weight
        self._used = [p for p in range(self.width) if radix[p] > 1]

    @classmethod
    def fit(cls, arrays: Sequence[StoredText]) -> "CharacterKeys | None":
        """Keys for the identifiers of *arrays*, or None when they would not fit in 62 bits."""
        width = max((_width(a) for a in arrays), default=0)
        low = np.full(width, 0xFFFFFFFF, dtype=np.int64)
        high = np.zeros(width, dtype=np.int64)
        for values in arrays:
            if not len(values):
                continue
            chars = code_points(values)
            own = chars.shape[1]
            if own:
                part_low, part_high = _ranges(chars)
                np.minimum(low[:own], part_low, out=low[:own])
                np.maximum(high[:own], part_high, out=high[:own])
            low[own:] = 0  # a narrower array's identifiers end in NULs there
        seen = high >= low
        low[~seen] = 0
        high[~seen] = 0
        size = 1
        for span in (high - low + 1).tolist():
            size *= span
            if size >= _KEY_LIMIT:
                return None
        return cls(low, high, size)

    def keys(self, values: StoredText) -> KeyArray:
        """The key of each identifier of *values* (every one within the fitted ranges)."""
        key = np.zeros(len(values), dtype=np.int64)
        if not len(values) or not self._used:
            return key
        chars = code_points(values)
        own = chars.shape[1]
        used = [p for p in self._used if p < own]
        offset = sum(int(self._low[p]) * int(self._weight[p]) for p in self._used)
        largest = sum(int(self._high[p]) * int(self._weight[p]) for p in used)
        if largest < _KEY_LIMIT:
            # The sum of the characters' weights fits: take the lowest key's off at the end.
            for start in range(0, len(values), _BLOCK):
                block = chars[start : start + _BLOCK]
                out = key[start : start + _BLOCK]
                for position in used:
                    out += block[:, position] * self._weight[position]
            key -= offset
            return key
        # Large code points: take each position's lowest character off before weighing.
        lows = self._low.astype(np.uint32)
        for start in range(0, len(values), _BLOCK):
            block = chars[start : start + _BLOCK]
            out = key[start : start + _BLOCK]
            for position in used:
                out += (block[:, position] - lows[position]) * self._weight[position]
        key -= offset - sum(int(self._low[p]) * int(self._weight[p]) for p in used)
        return key

    def keys_or_missing(self, values: StoredText) -> KeyArray:
        """`keys(values)`, with -1 for an identifier outside the fitted ranges."""
        n = len(values)
        key = np.full(n, -1, dtype=np.int64)
        if not n:
            return key
        chars = code_points(values)
        own = chars.shape[1]
        if self.width > own and ((self._low[own:] > 0) | (self._high[own:] < 0)).any():
            return key  # past this array's width its identifiers hold NULs, never fitted
        low = self._low.astype(np.uint32)
        spans = (self._high - self._low).astype(np.uint32)
        used = [p for p in self._used if p < own]
        fixed = [p for p in range(min(own, self.width)) if p not in self._used]
        tail = list(range(self.width, own))  # a longer identifier's extra characters
        outside = np.empty(min(n, _BLOCK), dtype=np.bool_)
        offset = np.empty(min(n, _BLOCK), dtype=np.uint32)
        for start in range(0, n, _BLOCK):
            block = chars[start : start + _BLOCK]
            size = len(block)
            out = key[start : start + size]
            bad, shifted = outside[:size], offset[:size]
            out[:] = 0
            bad[:] = False
            for position in used:
                # Below the range the unsigned difference wraps round: one test for both ends.
                np.subtract(block[:, position], low[position], out=shifted)
                bad |= shifted > spans[position]
                out += shifted * self._weight[position]
            for position in fixed:
                bad |= block[:, position] != low[position]
            for position in tail:
                bad |= block[:, position] != 0
            out[bad] = -1
        return key

    def decode(self, keys: KeyArray) -> TextArray:
        """The identifiers whose keys are *keys*."""
        width = max(self.width, 1)
        chars = np.zeros((len(keys), width), dtype=np.uint32)
        low = self._low.astype(np.uint32)
        # Narrow keys divide faster; the divisions work one cache-sized block at a time.
        narrow = keys.astype(np.uint32) if self.size <= 1 << 32 else keys
        radices = [
            (p, narrow.dtype.type(self._high[p] - self._low[p] + 1)) for p in reversed(self._used)
        ]
        for start in range(0, len(keys), _BLOCK):
            out = chars[start : start + _BLOCK]
            out[:, : self.width] = low
            rest = narrow[start : start + _BLOCK]
            for position, radix in radices:
                quotient = rest // radix
                out[:, position] += (rest - quotient * radix).astype(np.uint32, copy=False)
                rest = quotient
        return chars.view(f"<U{width}").reshape(len(keys))


class Identifiers:
    """The distinct identifiers found by `code_many`, sorted, decoded only when read.

    `len()` is their number; `take(positions)` decodes only the identifiers at *positions*;
    `all()` decodes (once) and returns every one.
    """

    __slots__ = ("_all", "_coder", "_keys")

    def __init__(
        self, *, keys: KeyArray, coder: CharacterKeys | None, decoded: TextArray | None
    ) -> None:
        """Hold the distinct *keys* of *coder*, or the distinct identifiers *decoded*."""
        self._keys = keys
        self._coder = coder
        self._all = decoded

    def __len__(self) -> int:
        return len(self._keys) if self._all is None else len(self._all)

    def take(self, positions: npt.NDArray[np.integer[Any]]) -> TextArray:
        """The identifiers at *positions* (decoded from their keys when not all are)."""
        if self._all is not None or self._coder is None:
            picked: TextArray = self.all()[positions]
            return picked
        return self._coder.decode(self._keys[positions])

    def all(self) -> TextArray:
        """Every distinct identifier, sorted (read-only)."""
        if self._all is None:
            assert self._coder is not None  # without a coder the identifiers are kept
            self._all = freeze(self._coder.decode(self._keys))
        return self._all


class DeferredText:
    """Text of a known length, made only when first read (an audit's child ids).

    A report that shows a figure and never its children does not pay for the children's
    ids. The text is made once and kept, so audits sharing one `DeferredText` share it;
    *make* must not hold a dataset (results outlive them), only the arrays it needs.
    """

    __slots__ = ("_length", "_made", "_make")

    def __init__(self, length: int, make: Callable[[], TextArray]) -> None:
        """Text of *length* values, made by *make()* when first read."""
        self._length = length
        self._make: Callable[[], TextArray] | None = make
        self._made: TextArray | None = None

    def __len__(self) -> int:
        return self._length

    @classmethod
    def of(cls, values: StoredText) -> "TextArray | DeferredText":
        """*values* as unicode: itself when it is, else widened when first read."""
        if values.dtype.kind == "U":
            return values  # type: ignore[return-value]
        return cls(len(values), lambda: as_unicode(values))

    @classmethod
    def taken(
        cls, identifiers: Identifiers, positions: npt.NDArray[np.integer[Any]]
    ) -> "DeferredText":
        """`identifiers.take(positions)`, decoded when first read."""
        return cls(len(positions), lambda: identifiers.take(positions))

    def __repr__(self) -> str:
        made = "made" if self._made is not None else "made when first read"
        return f"DeferredText({self._length} values, {made})"

    def __reduce__(self) -> tuple[Any, ...]:
        # Pickled as the text itself: the maker may be a closure, which pickle cannot take.
        return (_made_text, (self.text(),))

    def text(self) -> TextArray:
        """The text, read-only (made on the first call, then kept)."""
        if self._made is None:
            assert self._make is not None  # dropped only once the text is made
            made = self._make()
            if len(made) != self._length:
                raise ValueError(f"deferred text made {len(made)} values for {self._length}")
            self._made = freeze(made)
            self._make = None
        return self._made


def _made_text(text: TextArray) -> DeferredText:
    """A `DeferredText` already made: what an unpickled one is."""
    deferred = DeferredText(len(text), lambda: text)
    deferred.text()
    return deferred


def code_many(arrays: Sequence[StoredText]) -> tuple[Identifiers, list[IntpArray]]:
    """`factorize_many`, with the distinct identifiers decoded only when read.

    *arrays* may be unicode or ASCII bytes (`S`), mixed: an identifier codes the same
    either way.
    """
    total = sum(len(a) for a in arrays)
    no_keys = np.zeros(0, dtype=np.int64)
    if total == 0:
        empty = Identifiers(keys=no_keys, coder=None, decoded=np.zeros(0, dtype="<U1"))
        return empty, [np.zeros(0, dtype=np.intp) for _ in arrays]
    coder = CharacterKeys.fit(arrays)
    if coder is None:
        unicode = [as_unicode(values) for values in arrays]
        joined = np.concatenate(unicode) if len(unicode) > 1 else unicode[0]
        uniques, codes = _factorize_hashed(joined)
        return Identifiers(keys=no_keys, coder=None, decoded=uniques), _split(codes, arrays)
    keys = [coder.keys(values) for values in arrays]
    if _use_table(coder.size, total):
        unique_keys, codes_list = _code_by_table(keys, coder.size)
    else:
        unique_keys, codes = _code_by_sort(np.concatenate(keys) if len(keys) > 1 else keys[0])
        codes_list = _split(codes, arrays)
    return Identifiers(keys=unique_keys, coder=coder, decoded=None), codes_list


def factorize(values: StoredText) -> tuple[TextArray, IntpArray]:
    """The distinct *values* in sorted order, and each value's position among them.

    Equal to `numpy.unique(values, return_inverse=True)`, but much faster for the short
    identifiers of the returns (see the module's docstring).
    """
    uniques, (codes,) = factorize_many([values])
    return uniques, codes


factorize_compact = factorize
"""The former name of `factorize`."""


def factorize_many(arrays: Sequence[StoredText]) -> tuple[TextArray, list[IntpArray]]:
    """`factorize` of *arrays* taken together, without joining them: one code list per array.

    The codes of one identifier agree across the arrays, so they join records of different
    collections.
    """
    identifiers, codes = code_many(arrays)
    return identifiers.all(), codes


def _split(codes: IntpArray, arrays: Sequence[Any]) -> list[IntpArray]:
    bounds = np.cumsum([len(a) for a in arrays])[:-1]
    return list(np.split(codes, bounds))


class RankDirectory:
    """A set of the integers 0 .. size - 1, answering each member's rank among the members.

    A member's rank is the number of members below it: the members before its 64-bit word
    (counted once per word) plus the bits set below it within the word. The bits and
    counts take a quarter of a byte per possible member, and members are ranked a
    cache-sized block at a time.
    """

    __slots__ = ("_before", "_bits")

    def __init__(self, present: npt.NDArray[np.bool_]) -> None:
        """The set whose members are the positions where *present* is true."""
        size = len(present)
        packed = np.zeros(-(-size // 64) * 8, dtype=np.uint8)
        packed[: -(-size // 8)] = np.packbits(present, bitorder="little")
        self._bits = packed.view(np.uint64)  # bit k of word w: 64 * w + k is a member
        in_word = np.bitwise_count(self._bits)
        self._before = np.cumsum(in_word, dtype=np.int64)
        self._before -= in_word  # members before each word

    def ranks(self, members: npt.NDArray[np.integer[Any]]) -> IntpArray:
        """The rank of each of *members* (each one a member: others get a meaningless rank)."""
        ranks = np.empty(len(members), dtype=np.intp)
        self.rank_into(members, ranks)
        return ranks

    def rank_into(self, members: npt.NDArray[np.integer[Any]], out: IntpArray) -> None:
        """`ranks(members)` written to *out*, which may share *members*' memory.

        Each block of members is read before its ranks are written, and a rank is written
        no further along the memory than its member (intp is at most int64 wide).
        """
        one = np.uint64(1)
        for start in range(0, len(members), _BLOCK):
            block = members[start : start + _BLOCK]
            word = block >> 6
            below = np.left_shift(one, (block & 63).astype(np.uint64))
            below -= one  # the bits of the members below each member in its word
            below &= self._bits[word]
            np.add(
                self._before[word],
                np.bitwise_count(below),
                out=out[start : start + _BLOCK],
                casting="unsafe",  # ranks are below the number of members: they fit in intp
            )


def _code_by_table(keys: Sequence[KeyArray], size: int) -> tuple[KeyArray, list[IntpArray]]:
    """Distinct keys and codes through a `RankDirectory` of the keys present.

    A key's code is its rank among the distinct keys. The keys are given up: each array's
    codes are written over its keys.
    """
    present = np.zeros(size, dtype=np.bool_)
    for key in keys:
        present[key] = True
    unique_keys = np.flatnonzero(present).astype(np.int64, copy=False)
    directory = RankDirectory(present)
    del present
    coded = []
    for key in keys:
        codes = key.view(np.intp)[: len(key)]
        directory.rank_into(key, codes)
        coded.append(codes)
    return unique_keys, coded


def _use_table(size: int, total: int) -> bool:
    """Whether a table of *size* entries codes *total* identifiers in little more memory than a sort."""
    return size <= _TABLE_ENTRIES_PER_ROW * total + (1 << 16)


def _code_by_sort(key: KeyArray) -> tuple[KeyArray, IntpArray]:
    """Distinct keys and codes by one sort of the keys, each packed with its row number."""
    n = len(key)
    row_bits = max((n - 1).bit_length(), 1)
    high = int(key.max())
    if high.bit_length() + row_bits > 63:
        unique_keys, inverse = np.unique(key, return_inverse=True)
        return unique_keys.astype(np.int64), inverse.reshape(-1).astype(np.intp)
    packed = key << row_bits
    packed |= np.arange(n, dtype=np.int64)
    packed.sort()
    order = (packed & ((1 << row_bits) - 1)).astype(np.intp)
    packed >>= row_bits
    starts = _run_starts(packed)
    return packed[starts], _codes(order, starts)


def _factorize_hashed(values: TextArray) -> tuple[TextArray, IntpArray]:
    """`factorize` for identifiers too varied for `CharacterKeys`: 8 characters to a word.

    Identifiers whose characters fit in one byte are packed into 64-bit words and grouped by
    sorting a hash of the words, with every group checked so a hash collision can never
    merge two identifiers; otherwise `numpy.unique`.
    """
    n = len(values)
    width = values.dtype.itemsize // 4
    if width == 0:
        return values[:1].copy(), np.zeros(n, dtype=np.intp)
    chars = code_points(values)
    if int(chars.max()) >= 256:
        return _slow(values)
    blocks = (width + 7) // 8
    packed = np.zeros((n, 8 * blocks), dtype=np.uint8)
    packed[:, :width] = chars
    # Big-endian words keep byte order, so integer order is the strings' order.
    packed_words = packed.view(">u8")
    words = [packed_words[:, j].astype(np.uint64) for j in range(blocks)]
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
    rank = np.empty(len(firsts), dtype=np.intp)
    rank[rank_order] = np.arange(len(firsts), dtype=np.intp)
    return values[firsts[rank_order]], rank[group_codes]


def _run_starts(ordered: npt.NDArray[Any]) -> npt.NDArray[np.bool_]:
    """Per position of sorted *ordered*, whether a run of equal values starts there."""
    starts = np.empty(len(ordered), dtype=np.bool_)
    if len(ordered):
        starts[0] = True
        np.not_equal(ordered[1:], ordered[:-1], out=starts[1:])
    return starts


def _codes(order: IntpArray, starts: npt.NDArray[np.bool_]) -> IntpArray:
    codes = np.empty(len(order), dtype=np.intp)
    codes[order] = np.cumsum(starts, dtype=np.intp) - 1
    return codes


def _slow(values: TextArray) -> tuple[TextArray, IntpArray]:
    uniques, inverse = np.unique(values, return_inverse=True)
    return uniques, inverse.reshape(-1).astype(np.intp)


def stable_order(keys: npt.NDArray[np.integer[Any]]) -> tuple[IntpArray, KeyArray]:
    """The rows in order of *keys*, ties in input order, and the keys in that order.

    Equal to a stable `argsort`, but several times faster when the keys span a range small
    enough to pack each key and its row number into one int64: then one (unstable, fast)
    `np.sort` of the packed values orders by key and, among equal keys, by row.
    """
    ordered = SortedRows(keys.astype(np.int64))
    return ordered.rows(), ordered.keys()


class SortedRows:
    """Rows sorted by an int64 key, ties in row order: each position's row and key.

    When every key and its row number fit one int64 they are packed together in the keys'
    own memory and sorted once (`np.sort`, fast); rows and keys are then unpacked a block
    of positions at a time, so no second full-length array is made. Otherwise a stable
    argsort gives the rows, and the keys are put in their order.
    """

    __slots__ = ("_keys", "_low", "_order", "_packed", "_row_bits")

    def __init__(self, keys: KeyArray) -> None:
        """Sort *keys*, an int64 array the caller gives up (it is packed in place)."""
        n = len(keys)
        self._packed: KeyArray | None = None
        self._order: IntpArray | None = None
        self._keys: KeyArray | None = None
        self._row_bits = self._low = 0
        if n == 0:
            self._order, self._keys = np.zeros(0, dtype=np.intp), keys
            return
        low, high = int(keys.min()), int(keys.max())
        row_bits = max(int(n - 1).bit_length(), 1)
        if (high - low).bit_length() + row_bits <= 62:
            packed = keys
            packed -= low
            packed <<= row_bits
            packed |= row_numbers(n)
            packed.sort()
            self._packed, self._row_bits, self._low = packed, row_bits, low
        else:
            order = np.argsort(keys, kind="stable").astype(np.intp, copy=False)
            self._order, self._keys = order, keys[order]

    def __len__(self) -> int:
        found = self._packed if self._packed is not None else self._order
        return 0 if found is None else len(found)

    def rows(self, start: int = 0, stop: int | None = None) -> IntpArray:
        """The rows at positions *start* to *stop* (all by default)."""
        if self._packed is None:
            assert self._order is not None
            return self._order[start:stop]
        mask = (1 << self._row_bits) - 1
        rows: IntpArray = (self._packed[start:stop] & mask).astype(np.intp, copy=False)
        return rows

    def keys(self, start: int = 0, stop: int | None = None) -> KeyArray:
        """The keys at positions *start* to *stop* (all by default), in order."""
        if self._packed is None:
            assert self._keys is not None
            return self._keys[start:stop]
        keys = self._packed[start:stop] >> self._row_bits
        keys += self._low
        return keys

    def rows_at(self, positions: npt.NDArray[np.integer[Any]]) -> IntpArray:
        """The rows at *positions*."""
        if self._packed is None:
            assert self._order is not None
            picked: IntpArray = self._order[positions]
            return picked
        mask = (1 << self._row_bits) - 1
        rows: IntpArray = (self._packed[positions] & mask).astype(np.intp, copy=False)
        return rows


def child_day_order(
    codes: npt.NDArray[np.integer[Any]], days: KeyArray
) -> tuple[IntpArray, BoolArray]:
    """Rows by child code, then day (a missing day first), ties in input order.

    Returns the rows in that order and, per position, whether a new (child, day) group
    starts there. The pairs are packed as ``code * span + day offset`` over the span of
    days given, so with the row number they fit one int64 and one integer sort orders them
    (`stable_order`).
    """
    ordered, _, _ = _child_day_sorted(codes, days)
    return ordered.rows(), _run_starts(ordered.keys())


def child_day_sort(
    codes: npt.NDArray[np.integer[Any]], days: KeyArray
) -> tuple[SortedRows, BoolArray, KeyArray]:
    """`child_day_order`, with each row's previous day of the same child.

    Returns the rows in (child, day) order (a `SortedRows`: read its rows a block at a
    time, or at some positions); per position, whether a new (child, day) group starts
    there; and per row (in input order), the latest day of the same child before the row's
    own (`NAT_DAY` for none, and for a row without a day). Rows of one group share their
    previous day.
    """
    ordered, span, low = _child_day_sorted(codes, days)
    n = len(ordered)
    new_group = np.empty(n, dtype=np.bool_)
    previous = np.empty(n, dtype=np.int64)
    if not n:
        return ordered, new_group, previous
    new_group[0] = True
    previous[ordered.rows(0, 1)] = NAT_DAY
    # Each position's previous day is that of the position before it when it is of the
    # same child and has a day (a day offset of 0 is a missing day): read block by block
    # from the sorted keys, so no full-length temporary is made.
    for first in range(1, n, _PAIR_BLOCK):
        stop = min(first + _PAIR_BLOCK, n)
        keys = ordered.keys(first - 1, stop)
        here, before = keys[1:], keys[:-1]
        np.not_equal(here, before, out=new_group[first:stop])
        child_before = before // span
        day_before = before - child_before * span
        same_child = (here // span == child_before) & (day_before != 0)
        day_before += low - 1
        previous[ordered.rows(first, stop)] = np.where(same_child, day_before, NAT_DAY)
    # A position within a group (not its first) takes its group's previous day.
    inner = np.flatnonzero(~new_group)
    if len(inner):
        previous[ordered.rows_at(inner)] = previous[ordered.rows_at(group_firsts(inner))]
    return ordered, new_group, previous


def group_firsts(inner: IntpArray) -> IntpArray:
    """For each position *inner* that continues a group, the position that began it.

    *inner* lists, in increasing order, the positions that are not the first of their group
    (groups being runs of positions), so a position continuing the run of the one before
    it shares its first.
    """
    begins_run = np.ones(len(inner), dtype=np.bool_)
    if len(inner) > 1:
        np.not_equal(inner[1:] - 1, inner[:-1], out=begins_run[1:])
    heads = np.where(begins_run, inner - 1, 0)
    firsts: IntpArray = np.maximum.accumulate(heads)
    return firsts


def _child_day_sorted(
    codes: npt.NDArray[np.integer[Any]], days: KeyArray
) -> tuple[SortedRows, int, int]:
    """The rows sorted by (child, day) key, with the key's span and low day.

    A key is ``code * span + offset``: the offset is ``day - (low - 1)`` for a day, 0 for
    a missing one.
    """
    n = len(codes)
    if n == 0:
        return SortedRows(np.zeros(0, dtype=np.int64)), 1, 1
    low, high = int(days.min()), int(days.max())
    missing = low == NAT_DAY
    present: BoolArray | None = None
    if missing:
        present = days != NAT_DAY
        if not present.any():
            low = high = 0
        else:
            low = int(days[present].min())
    span = high - low + 2  # day offsets 1 .. span - 1; 0 for a missing day
    key = codes.astype(np.int64)
    key *= span
    if present is not None:
        key += np.where(present, days - (low - 1), 0)
    else:
        key += days
        key -= low - 1
    return SortedRows(key), span, low


_ROW_NUMBERS: list[IntpArray] = [np.zeros(0, dtype=np.intp)]


def row_numbers(n: int) -> IntpArray:
    """0, 1, ..., n - 1 as a read-only `np.intp` array, shared rather than made again.

    A view of one process-wide array, grown to the largest *n* asked for, so the row
    numbers every indicator needs are allocated once.
    """
    found = _ROW_NUMBERS[0]
    if len(found) < n:
        found = freeze(np.arange(n, dtype=np.intp))
        _ROW_NUMBERS[0] = found
    return found[:n]


def position_among(distinct: npt.NDArray[Any], values: npt.NDArray[Any]) -> IntpArray:
    """Each value's position in the sorted *distinct* values, or -1 when not among them."""
    if not len(distinct):
        return np.full(len(values), -1, dtype=np.intp)
    position = np.searchsorted(distinct, values).astype(np.intp, copy=False)
    np.minimum(position, len(distinct) - 1, out=position)
    position[distinct[position] != values] = -1
    return position


def no_rows(n: int) -> IntpArray:
    """*n* times -1 (a child-level audit row's "no record") as a read-only array.

    One value repeated (a zero-stride view), so a child-level audit's rows take no memory.
    """
    rows: IntpArray = np.broadcast_to(np.intp(-1), (n,))
    return rows


def freeze(array: npt.NDArray[Any]) -> npt.NDArray[Any]:
    """*array*, made read-only in place, so it can be shared (kept in a dataset's cache)."""
    array.flags.writeable = False
    return array
