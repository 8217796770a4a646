"""Querysets the ORM builds and compiles once per process, then runs with new values.

Every page of every online response looks up the same few things by the same queries. The
ORM spent more time building and compiling each of those queries (about 1.5 ms for the
response with its questionnaire and consultation) than the database spent answering it
(about 0.1 ms). A `PreparedQuery` keeps the SQL the ORM compiled, with the positions of the
values that change, so later calls only substitute the values, run the SQL and turn the
rows into objects as the ORM would (select_related included).

The query is still written with the ORM, managers and all: "public" is still decided by
`Consultation.public_objects`, only no longer recompiled on every request.

    RESPONSE = PreparedQuery(lambda pk: Response.objects.filter(pk=pk))
    RESPONSE.first(pk=7)

Rules, checked when a query is prepared (a `ValueError` names what broke them):
- Whatever may differ between calls is a keyword argument of the builder: anything else it
  reads (today's date, a setting) is frozen into the SQL the first time it runs.
- Arguments are ints, strings, or lists or tuples of them; a lookup that changes the value
  before it reaches the database (`icontains`, say) can't be prepared.
- The queryset returns model instances or `values_list` rows.
"""

import itertools
import threading
import weakref

from django.core.exceptions import EmptyResultSet
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models.query import FlatValuesListIterable, ModelIterable, ValuesListIterable, get_related_populators

_stand_in_numbers = itertools.count(1)


class PreparedQuery:
    def __init__(self, build):
        """`build(**values)` returns the queryset; it is called with stand-in values once per
        database and shape (the lengths of list arguments)."""
        self.build = build
        # Compiled for each connection (one per thread), since the compiled query and its
        # converters belong to the connection that compiled them.
        self._prepared = weakref.WeakKeyDictionary()
        self._lock = threading.Lock()

    def __call__(self, using=DEFAULT_DB_ALIAS, **values):
        """Every result: model instances, or rows as `values_list` would give them."""
        connection = connections[using]
        return self._prepare(using, connection, values).run(connection, values)

    def first(self, using=DEFAULT_DB_ALIAS, **values):
        """The first result, or None. The queryset's own slice decides how many rows are
        read: build it with `[:1]` when only one is wanted."""
        results = self(using=using, **values)
        return results[0] if results else None

    def _prepare(self, using, connection, values):
        shape = tuple(sorted((name, _shape_of(name, value)) for name, value in values.items()))
        prepared = self._prepared.get(connection, {}).get(shape)
        if prepared is None:
            with self._lock:
                shapes = self._prepared.setdefault(connection, {})
                prepared = shapes.get(shape)
                if prepared is None:
                    prepared = shapes[shape] = _Prepared(self.build, using, connection, values)
        return prepared


def _shape_of(name, value):
    if isinstance(value, (list, tuple)):
        if not all(_scalar(item) for item in value):
            raise ValueError(f"{name}: a list of ints or strings is needed, not {value!r}")
        return len(value)
    if not _scalar(value):
        raise ValueError(f"{name}: an int, a string or a list of them is needed, not {type(value).__name__}")
    return None


def _scalar(value):
    return isinstance(value, (int, str)) and not isinstance(value, bool)


def _stand_in(value):
    number = next(_stand_in_numbers)
    if isinstance(value, str):
        return f"\x00stand-in {number}\x00"
    # Far outside any id or count the project stores, and unlike any constant in a query.
    return -(10**15) - number


class _Prepared:
    """One compiled query: its SQL, where each argument goes, and how to read its rows."""

    def __init__(self, build, using, connection, values):
        stand_ins, where = {}, {}
        for name, value in values.items():
            if isinstance(value, (list, tuple)):
                stand_ins[name] = [_stand_in(item) for item in value]
                for index, stand_in in enumerate(stand_ins[name]):
                    where[stand_in] = (name, index)
            else:
                stand_ins[name] = _stand_in(value)
                where[stand_ins[name]] = (name, None)
        queryset = build(**stand_ins).using(using)
        self.iterable = queryset._iterable_class
        if self.iterable not in (ModelIterable, ValuesListIterable, FlatValuesListIterable):
            raise ValueError("Only querysets of model instances or values_list rows can be prepared")
        if queryset.query.combinator or queryset._prefetch_related_lookups:
            raise ValueError("Unions and prefetch_related can't be prepared")
        self.using = using
        compiler = queryset.query.get_compiler(connection=connection)
        try:
            self.sql, params = compiler.as_sql()
        except EmptyResultSet:  # `pk__in=[]`, say: nothing can match, so nothing is asked
            self.sql = None
            return
        columns = [column[0] for column in compiler.select[: compiler.col_count]]
        if compiler.has_composite_fields(columns):
            raise ValueError("Composite primary keys can't be prepared")
        # What the ORM does to each value read (text to datetime in SQLite, say), worked out once.
        self.converters = [
            (position, converters, expression)
            for position, (converters, expression) in compiler.get_converters(columns).items()
        ]
        # Each parameter is a constant of the query, or the argument (or list item) it came from:
        # (None, None, constant) or (name, index or None, None).
        self.slots = [
            (*where[param], None) if _scalar(param) and param in where else (None, None, param) for param in params
        ]
        used = {(name, index) for name, index, _ in self.slots if name is not None}
        unused = [slot for slot in where.values() if slot not in used]
        if unused:
            names = sorted({name for name, _ in unused})
            raise ValueError(
                f"{', '.join(names)}: changed by its lookup before reaching the database, so the query can't be prepared"
            )
        if self.iterable is ModelIterable:
            select, klass_info = compiler.select, compiler.klass_info
            start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
            self.model = klass_info["model"]
            self.model_columns = (start, end)
            self.init_list = [column[0].target.attname for column in select[start:end]]
            self.related_populators = get_related_populators(klass_info, select, using)
            self.annotations = list(compiler.annotation_col_map.items())

    def run(self, connection, values):
        if self.sql is None:
            return []
        params = [
            constant if name is None else values[name] if index is None else values[name][index]
            for name, index, constant in self.slots
        ]
        with connection.cursor() as cursor:
            cursor.execute(self.sql, params)
            rows = cursor.fetchall()
        if self.converters:
            rows = [self.convert(row, connection) for row in rows]
        if self.iterable is FlatValuesListIterable:
            return [row[0] for row in rows]
        if self.iterable is ValuesListIterable:
            return [tuple(row) for row in rows]
        start, end = self.model_columns
        objects = []
        for row in rows:
            obj = self.model.from_db(self.using, self.init_list, row[start:end])
            for populator in self.related_populators:
                populator.populate(row, obj)
            for name, position in self.annotations:
                setattr(obj, name, row[position])
            objects.append(obj)
        return objects

    def convert(self, row, connection):
        row = list(row)
        for position, converters, expression in self.converters:
            value = row[position]
            for converter in converters:
                value = converter(value, expression, connection)
            row[position] = value
        return row
