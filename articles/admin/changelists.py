"""The admin's lists of rows, for every model with a date hierarchy.

Django turns the hierarchy's year, month and day parameters into a date without bounds: a 30-digit year
raised OverflowError, and year 9999 failed computing the year after it; both answered 500. Here they are
wrong parameters like any other, and the admin answers them as it does a made-up filter (``?e=1``).
"""

from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList


class DateBoundChangeList(ChangeList):
    def get_filters(self, request):
        try:
            return super().get_filters(request)
        except (OverflowError, ValueError) as error:  # raised only by parameters that name no date
            raise IncorrectLookupParameters(error) from error


class DateHierarchyAdmin:
    """For a ModelAdmin with ``date_hierarchy``: dates out of range are wrong parameters, not a 500."""

    def get_changelist(self, request, **kwargs):
        return DateBoundChangeList
