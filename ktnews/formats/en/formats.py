# The approval time on bylines, in English: Published Dec. 17, 2020, 12:48 p.m.
APPROVAL_DATETIME_FORMAT = "N j, Y, P"
# A comment more than a day old: Dec. 17, 2020 (younger ones say "3 minutes ago").
COMMENT_DATE_FORMAT = "N j, Y"
