# The approval time on bylines, in English: Published Dec. 17, 2020, 12:48 p.m.
APPROVAL_DATETIME_FORMAT = "N j, Y, P"
