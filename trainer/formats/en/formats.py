"""How English pages write days, times and numbers (the date filter's named formats).

Templates name a format ("DATE_FORMAT", "TIME_FORMAT", ...) and never write one literally, so
each language writes them its own way: see trainer/formats/fi/formats.py.
"""

# A day in a sentence or a heading: 2 March 2026.
DATE_FORMAT = "j F Y"
# A day in a list or a table: 2 Mar 2026.
SHORT_DATE_FORMAT = "j M Y"
# A day where the year goes without saying: 2 Mar.
MONTH_DAY_FORMAT = "j M"
YEAR_MONTH_FORMAT = "F Y"
# A time: 4:51 p.m. (noon is 12:00 p.m., midnight 12:00 a.m.).
TIME_FORMAT = "g:i a"
# A moment: 2 Mar 2026, 4:51 p.m.
DATETIME_FORMAT = "j M Y, g:i a"
# A moment to the second (the audit log, a step's timings): 2 Mar 2026, 4:51:07 p.m.
SHORT_DATETIME_FORMAT = "j M Y, g:i:s a"

DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
FIRST_DAY_OF_WEEK = 0
