"""``field__in_list=[...]``: membership in a long list of values, sent as one parameter.

``__in`` writes one placeholder per value: with the 10,000 persons of a caseload that is a 60 kB
statement to build, send and parse for each query, and more than SQLite's parameter limit at national
scale. ``in_list`` sends the values as a single parameter instead: a PostgreSQL array
(``= ANY(%s)``) or a JSON array that SQLite unpacks (``IN (SELECT value FROM json_each(%s))``).
The values must be of one JSON-representable type (ids, codes).
"""

from __future__ import annotations

import json

from django.db import models


class InList(models.Lookup):
    lookup_name = "in_list"
    prepare_rhs = False

    def get_prep_lookup(self):
        return list(self.rhs)

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        values = [self.lhs.output_field.get_prep_value(value) for value in self.rhs]
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY(%s)", [*lhs_params, values]
        # ``lhs`` is the compiled column; the values go as a parameter.
        return f"{lhs} IN (SELECT value FROM json_each(%s))", [*lhs_params, json.dumps(values)]  # noqa: S608


models.Field.register_lookup(InList)
# Relations look their lookups up on ``ForeignObject`` and below only.
models.ForeignObject.register_lookup(InList)
