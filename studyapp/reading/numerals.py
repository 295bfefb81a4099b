"""The characters Chinese numbers are written with, and their values: read by the dictionary's number glosses
(二十三 is 23) and by the reading rules (一 keeps yī inside a number: 十一, 一九一一)."""

from __future__ import annotations

DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
UNITS = {"十": 10, "百": 100, "千": 1000}
GROUPS = {"万": 10_000, "亿": 100_000_000}
#: Every character of a number written in hanzi, as the body of a regex character class.
NUMERAL = "".join((*DIGITS, *UNITS, *GROUPS))
