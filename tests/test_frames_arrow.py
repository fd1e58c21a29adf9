"""Arrow columns read without per-row Python: text kept as ASCII bytes, dates as day numbers.

`from_frames` reads each Arrow chunk where it lies: ASCII text becomes `S` bytes (a view of
Arrow's buffer when every value has one length), which `Dataset` codes without widening and
widens to unicode only when the text is read; dates and timestamps become day numbers. Each
reading is checked against the plain Python reading of the same values.
"""

import datetime as dt
import itertools
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import safeguarding_metrics as sm
from safeguarding_metrics._arrays import DeferredText, as_unicode, code_many
from safeguarding_metrics.frames import _arrow_dates, _arrow_text, from_frames

pa = pytest.importorskip("pyarrow")

TEXT = st.one_of(
    st.none(),
    st.text(alphabet="AB19 -/", max_size=6),
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=4),
)
ASCII_ONLY = st.one_of(st.none(), st.text(alphabet="AZaz09 -/", max_size=7))


def chunked(values: list[Any], cuts: list[int], kind: Any) -> Any:
    """*values* as an Arrow chunked array of *kind*, split at the positions *cuts*."""
    bounds = sorted({0, len(values), *(c % (len(values) + 1) for c in cuts)})
    parts = [values[a:b] for a, b in itertools.pairwise(bounds)] or [[]]
    return pa.chunked_array([pa.array(part, type=kind) for part in parts], type=kind)


def as_given(values: list[str | None]) -> np.ndarray:
    """Oracle: the unicode column `from_columns` makes of the values (missing: empty)."""
    return np.array(["" if v is None else v for v in values], dtype=np.str_)


@given(
    st.lists(TEXT, max_size=30),
    st.lists(st.integers(0, 40), max_size=4),
    st.sampled_from(["string", "large_string"]),
)
def test_arrow_text_in_any_chunking_reads_as_the_python_strings(
    values: list[str | None], cuts: list[int], kind: str
) -> None:
    column = chunked(values, cuts, getattr(pa, kind)())
    read = _arrow_text(column)
    assert as_unicode(read).tolist() == as_given(values).tolist()
    ascii_only = all(v is None or v.isascii() for v in values)
    assert read.dtype.kind == ("S" if ascii_only else "U")


@given(st.lists(ASCII_ONLY, max_size=30), st.lists(st.integers(0, 40), max_size=4))
def test_ascii_identifiers_code_the_same_as_bytes_or_unicode(
    values: list[str | None], cuts: list[int]
) -> None:
    """`code_many` gives bytes and unicode identifiers the same codes, mixed or not."""
    stored = _arrow_text(chunked(values, cuts, pa.string()))
    unicode = as_given(values)
    (from_bytes, (codes_bytes, codes_mixed)) = code_many([stored, unicode])
    (from_text, (codes_text, _)) = code_many([unicode, unicode])
    assert from_bytes.all().tolist() == from_text.all().tolist()
    assert codes_bytes.tolist() == codes_text.tolist() == codes_mixed.tolist()


def test_dictionary_text_and_one_width_are_read_as_bytes() -> None:
    column = pa.chunked_array(
        [pa.array(["AB", "CD", None]).dictionary_encode(), pa.array(["EF"]).dictionary_encode()]
    )
    read = _arrow_text(column)
    assert read.dtype == np.dtype("S2")
    assert as_unicode(read).tolist() == ["AB", "CD", "", "EF"]


DATES = st.one_of(st.none(), st.dates(dt.date(1700, 1, 1), dt.date(2250, 12, 31)))


@given(
    st.lists(st.tuples(DATES, st.integers(0, 86_399_999_999)), max_size=20),
    st.sampled_from(["s", "ms", "us", "ns"]),
    st.lists(st.integers(0, 30), max_size=3),
)
def test_timestamps_of_any_unit_read_as_their_date(
    values: list[tuple[dt.date | None, int]], unit: str, cuts: list[int]
) -> None:
    """A timestamp's date is its day, before 1970 too (floor, not truncation)."""
    stamps = [
        None if day is None else dt.datetime.combine(day, dt.time()) + dt.timedelta(microseconds=us)
        for day, us in values
    ]
    read = _arrow_dates(chunked(stamps, cuts, pa.timestamp(unit)), "t")
    expected = np.array([day for day, _ in values], dtype="datetime64[D]")
    assert read.tolist() == expected.tolist()


@given(st.lists(DATES, max_size=20), st.lists(st.integers(0, 30), max_size=3))
def test_date32_and_date64_in_any_chunking(values: list[dt.date | None], cuts: list[int]) -> None:
    expected = np.array(values, dtype="datetime64[D]").tolist()
    assert _arrow_dates(chunked(values, cuts, pa.date32()), "d").tolist() == expected
    assert _arrow_dates(chunked(values, cuts, pa.date64()), "d").tolist() == expected


def test_a_text_column_of_bytes_is_widened_only_when_read_as_text() -> None:
    """Coding child ids and computing a figure reads the bytes; `column` gives unicode."""
    table = pa.table(
        {
            "referral_id": pa.chunked_array([["R1", "R22"], ["R333"]]),
            "child_id": pa.chunked_array([["C1", "C2"], ["C1"]]),
            "referral_date": pa.array(
                [dt.date(2024, 5, 1), dt.date(2024, 6, 1), dt.date(2025, 2, 1)]
            ),
        }
    )
    data = from_frames({"referrals": table})
    assert data.stored_text("referrals", "child_id").dtype == np.dtype("S2")
    assert data.text_at("referrals", "referral_id", np.array([2, 0])).tolist() == ["R333", "R1"]
    result = sm.INDICATORS["re-referrals-12m"].compute(
        data, period=sm.ReportingPeriod.year_ending(2025)
    )
    assert (result.numerator, result.denominator) == (1, 3)
    assert ("column", "referrals", "child_id") not in data._cache  # never widened
    assert result.audit.child_ids.tolist() == ["C1", "C2", "C1"]
    assert data.column("referrals", "child_id").dtype == np.dtype("<U2")
    assert data.referrals[1].referral_id == "R22"


def test_from_columns_takes_ascii_bytes_and_refuses_other_bytes() -> None:
    day = np.array(["2024-05-01", "2024-06-01"], dtype="datetime64[D]")
    data = sm.Dataset.from_columns(
        lac_reviews={"child_id": np.array([b"C1", b"C2"]), "review_date": day}
    )
    assert [r.child_id for r in data.lac_reviews] == ["C1", "C2"]
    with pytest.raises(sm.InvalidRecordError, match=r"lac_reviews.child_id\[1\].*not ASCII"):
        sm.Dataset.from_columns(
            lac_reviews={"child_id": np.array([b"C1", "Ç2".encode()]), "review_date": day}
        )
    with pytest.raises(sm.InvalidRecordError, match=r"child_id\[0\] must be a non-empty"):
        sm.Dataset.from_columns(
            lac_reviews={"child_id": np.array([b" ", b"C2"]), "review_date": day}
        )


def test_deferred_child_ids_are_made_once_when_read_and_checked_for_length() -> None:
    made = []

    def make() -> np.ndarray:
        made.append(1)
        return np.array(["A", "B"])

    audit = sm.Audit(
        table="t", codes=np.array([1, 2]), child_ids=DeferredText(2, make), rows=np.array([0, 1])
    )
    assert made == []
    assert audit.child_ids.tolist() == ["A", "B"]
    assert audit.child_ids.tolist() == ["A", "B"]
    assert made == [1]
    assert not audit.child_ids.flags.writeable
    with pytest.raises(sm.SafeguardingMetricsError, match="one entry per row"):
        sm.Audit(
            table="t", codes=np.array([1]), child_ids=DeferredText(2, make), rows=np.array([0])
        )


@pytest.mark.parametrize("unit", ["s", "ms", "us", "ns"])
def test_pandas_numpy_timestamps_of_any_unit_floor_to_their_day(unit: str) -> None:
    """A numpy-backed pandas timestamp column is read without Arrow: floored to its day."""
    pd = pytest.importorskip("pandas")
    stamps = np.array(
        ["1969-12-31T23:59:59", "1970-01-01T00:00:00", "2024-02-29T18:30:00", "NaT"],
        dtype=f"datetime64[{unit}]",
    )
    frame = pd.DataFrame({"child_id": ["A", "B", "C", "D"], "review_date": stamps[[0, 1, 2, 2]]})
    data = from_frames({"lac_reviews": frame})
    assert [r.review_date for r in data.lac_reviews] == [
        dt.date(1969, 12, 31),
        dt.date(1970, 1, 1),
        dt.date(2024, 2, 29),
        dt.date(2024, 2, 29),
    ]
    contacts = pd.DataFrame(
        {
            "child_id": ["A", "B", "C", "D"],
            "contact_date": stamps[[1, 1, 1, 1]],
            "decision_date": pd.Series(stamps, dtype=f"datetime64[{unit}]"),
        }
    )
    read = from_frames({"contacts": contacts})
    assert [c.decision_date for c in read.contacts] == [
        dt.date(1969, 12, 31),
        dt.date(1970, 1, 1),
        dt.date(2024, 2, 29),
        None,
    ]


def test_results_with_child_ids_not_yet_made_pickle_with_their_ids() -> None:
    import pickle

    data = from_frames(
        {
            "referrals": pa.table(
                {
                    "referral_id": ["R1", "R2"],
                    "child_id": ["C1", "C22"],
                    "referral_date": pa.array([dt.date(2024, 5, 1), dt.date(2024, 6, 1)]),
                }
            )
        }
    )
    period = sm.ReportingPeriod.year_ending(2025)
    for card_id in ("referrals-in-period", "children-re-referred-12m"):
        result = sm.INDICATORS[card_id].compute(data, period=period)
        assert "made when first read" in repr(result.audit)
        back = pickle.loads(pickle.dumps(result))
        assert back.audit.child_ids.tolist() == result.audit.child_ids.tolist() == ["C1", "C22"]


def test_bytes_given_as_objects_are_ascii_text_or_refused() -> None:
    day = np.array(["2024-05-01", "2024-06-01"], dtype="datetime64[D]")
    data = sm.Dataset.from_columns(
        lac_reviews={"child_id": np.array([b"C1", "C2"], dtype=object), "review_date": day}
    )
    assert [r.child_id for r in data.lac_reviews] == ["C1", "C2"]
    with pytest.raises(sm.InvalidRecordError, match=r"child_id\[1\] holds bytes that are not"):
        sm.Dataset.from_columns(
            lac_reviews={
                "child_id": np.array([b"C1", "Ç".encode()], dtype=object),
                "review_date": day,
            }
        )
    with pytest.raises(UnicodeDecodeError):
        sm.Audit(table="t", codes=[0], child_ids=np.array([b"\xc3\xa9"]), rows=[0])


def test_a_list_column_of_ascii_bytes_is_read_as_text() -> None:
    factors = sm.ListColumn(np.array([0, 2, 2]), np.array([b"1A", b"2B"]))
    data = sm.Dataset.from_columns(
        assessments={
            "child_id": np.array(["A", "B"]),
            "start_date": np.array(["2024-05-01", "2024-06-01"], dtype="datetime64[D]"),
            "factors": factors,
        }
    )
    assert [a.factors for a in data.assessments] == [("1A", "2B"), ()]


def test_padding_text_too_long_for_32_bit_offsets_uses_64_bit_ones(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Padding a `string` array past 2 GiB would overflow its offsets: it is widened first."""
    import safeguarding_metrics.frames as frames

    monkeypatch.setattr(frames, "_LARGEST_STRING_OFFSET", 4)
    read = frames._arrow_text(pa.array(["A", "BCD", None, "EF"], type=pa.string()))
    assert read.dtype == np.dtype("S3")
    assert as_unicode(read).tolist() == ["A", "BCD", "", "EF"]
