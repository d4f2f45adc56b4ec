"""The store's limits are checked on every way a statement can carry values."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from workbench.exceptions import LimitError
from workbench.store import limits, schema
from workbench.store.connection import create_engine


@pytest.fixture
def conn():  # type: ignore[no-untyped-def]
    engine = create_engine("sqlite://")
    with engine.begin() as connection:
        schema.metadata.create_all(connection)
        connection.execute(schema.coders.insert(), {"coder_id": "c1", "name": "ok"})
        yield connection
    engine.dispose()


def _nested(levels: int) -> list[object]:
    value: list[object] = []
    for _ in range(levels):
        value = [value]
    return value


LONG = "n" * 201  # coders.name is String(200)


@pytest.mark.parametrize("statement, params", [
    (schema.coders.insert(), {"coder_id": "c2", "name": LONG}),                # one row
    (schema.coders.insert(), [{"coder_id": "c2", "name": "a"},
                              {"coder_id": "c3", "name": LONG}]),             # executemany
    (schema.coders.insert().values(coder_id="c2", name=LONG), None),          # .values()
    (schema.coders.insert().values([{"coder_id": "c2", "name": "a"},
                                    {"coder_id": "c3", "name": LONG}]), None),  # multi-values
    (schema.coders.update().where(schema.coders.c.coder_id == "c1").values(name=LONG), None),
    (schema.coders.update().where(schema.coders.c.coder_id == sa.bindparam("who")),
     {"who": "c1", "name": LONG}),                                            # bound update
])
def test_every_form_of_a_write_is_checked(conn, statement, params) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(LimitError, match="text of 201 characters; expected at most 200") as info:
        conn.execute(statement, params)
    assert info.value.field == "coders.name"
    assert conn.execute(sa.select(schema.coders.c.name)).scalars().all() == ["ok"]


def test_sql_expressions_and_values_at_the_limit_pass(conn) -> None:  # type: ignore[no-untyped-def]
    conn.execute(schema.coders.update().values(name=sa.func.upper(schema.coders.c.name)))
    conn.execute(schema.coders.update().values(name="n" * 200))
    assert conn.execute(sa.select(schema.coders.c.name)).scalar_one() == "n" * 200


@pytest.mark.parametrize("column, value, message", [
    (schema.clips.c.n_officers, 2**31, "out of range"),
    (schema.clips.c.n_officers, -(2**31) - 1, "out of range"),
    (schema.clips.c.duration, float("inf"), "not finite"),
    (schema.clips.c.extra, {"k": _nested(40)}, "nested deeper than 32"),
    (schema.clips.c.extra, {"k": 2**64}, "beyond 64 bits"),
    (schema.clips.c.extra, {"k\x00": 1}, "NUL character"),
    (schema.utterances.c.text, "\udc80", "lone surrogate"),
])
def test_values_other_back_ends_would_refuse_or_alter(column, value, message) -> None:  # type: ignore[no-untyped-def]
    problem = limits.value_problem(column, value)
    assert problem is not None and message in problem
    assert limits.value_problem(column, None) is None


@pytest.mark.parametrize("column, bad, message", [
    ("name", LONG, "text of 201 characters"),
    ("name", "bad\x00name", "NUL character"),
    ("name", "lone \udc80 surrogate", "lone surrogate"),
])
def test_many_rows_checked_a_column_at_a_time_still_name_the_bad_row(
        conn, column: str, bad: str, message: str) -> None:  # type: ignore[no-untyped-def]
    rows = [{"coder_id": f"k{i:03d}", "name": f"coder {i}"} for i in range(3 * limits.BULK_ROWS)]
    rows[100][column] = bad  # one bad value in the middle of an executemany
    with pytest.raises(LimitError, match=message) as info:
        conn.execute(schema.coders.insert(), rows)
    assert info.value.field == "coders.name" and "coder_id='k100'" in str(info.value)
    assert conn.execute(sa.select(schema.coders.c.name)).scalars().all() == ["ok"]


@pytest.mark.parametrize("value, message", [(2**31, "out of range"),
                                            (float("nan"), "not finite")])
def test_numbers_in_many_rows_are_checked_together_and_named(conn, value: object,
                                                             message: str) -> None:  # type: ignore[no-untyped-def]
    column = "n_officers" if isinstance(value, int) else "duration"
    rows = [{"clip_id": f"x{i:03d}", "source_file": f"x{i}.vtt", "source_hash": "h",
             "n_officers": 2, "duration": 60.0} for i in range(2 * limits.BULK_ROWS)]
    rows[70][column] = value
    with pytest.raises(LimitError, match=message) as info:
        conn.execute(schema.clips.insert(), rows)
    assert info.value.field == f"clips.{column}" and "clip_id='x070'" in str(info.value)
