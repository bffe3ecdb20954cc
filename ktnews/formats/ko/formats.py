# The approval time on bylines, as Korean newspapers print it: 승인 2020.12.17 12:48
APPROVAL_DATETIME_FORMAT = "Y.m.d H:i"
# A comment more than a day old, as portals show it: 2020.12.17 (younger ones say "3분 전").
COMMENT_DATE_FORMAT = "Y.m.d"
