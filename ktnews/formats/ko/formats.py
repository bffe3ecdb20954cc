# The approval time on bylines, as Korean newspapers print it: 승인 2020.12.17 12:48
APPROVAL_DATETIME_FORMAT = "Y.m.d H:i"
