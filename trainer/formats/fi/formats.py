"""How Finnish pages write days, times and numbers (see trainer/formats/en/formats.py)."""

# 2. maaliskuuta 2026
DATE_FORMAT = "j. E Y"
# 2.3.2026
SHORT_DATE_FORMAT = "j.n.Y"
# 2.3.
MONTH_DAY_FORMAT = "j.n."
YEAR_MONTH_FORMAT = "F Y"
# 16.51 (9.05 in the morning)
TIME_FORMAT = "G.i"
# 2.3.2026 klo 16.51
DATETIME_FORMAT = r"j.n.Y \k\l\o G.i"
# 2.3.2026 klo 16.51.07
SHORT_DATETIME_FORMAT = r"j.n.Y \k\l\o G.i.s"

# 85,5; a thousand as 1 000 (with a no-break space) where a number is grouped.
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "\xa0"
NUMBER_GROUPING = 3
FIRST_DAY_OF_WEEK = 1
