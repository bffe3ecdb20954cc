"""``field__in=[...]`` on integer fields (ids included) with values no row can hold: they match no row.

Django already answers ``id=<a 30-digit number>`` with no rows; ``id__in`` sent the number on and failed
(SQLite: OverflowError; PostgreSQL: out of range), and a value that is no number at all raised
ValueError. The admin builds such lists from what was posted: an autocomplete's chosen ids, a multiple
choice, a list's rows. Posted garbage made every re-shown form a 500; now it simply finds nothing.
"""

from django.db.models import IntegerField
from django.db.models.lookups import In


@IntegerField.register_lookup
class IntegerFieldIn(In):
    def get_prep_lookup(self):
        if hasattr(self.rhs, "resolve_expression") or not self.prepare_rhs:
            return super().get_prep_lookup()
        self.rhs = [value for value in self.rhs if hasattr(value, "resolve_expression") or self._is_integer(value)]
        return super().get_prep_lookup()

    def _is_integer(self, value) -> bool:
        try:
            self.lhs.output_field.get_prep_value(value)
        except (TypeError, ValueError):
            return False
        return True

    def process_rhs(self, compiler, connection):
        if self.rhs_is_direct_value():
            low, high = connection.ops.integer_field_range(self.lhs.output_field.get_internal_type())
            self.rhs = [value for value in self.rhs if not isinstance(value, int) or _within(value, low, high)]
        return super().process_rhs(compiler, connection)


def _within(value: int, low, high) -> bool:
    return (low is None or value >= low) and (high is None or value <= high)
