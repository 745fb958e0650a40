"""Find and parse numbers in Persian (Farsi) news text.

Works on plain strings, without spaCy, so the claim extractor, the gold tools
and ad-hoc scripts can share one parser. The text is never modified: matching
runs on a same-length normalized copy (Arabic ي/ك, Persian and Arabic-Indic
digits, ٫ ٬ ٪, invisible marks) so every offset points into the input string.

Word lists and context words live in ``data/numbers.json``. The stages, in
the order a text goes through them: ``words`` (the tables), ``chars`` (the
normalization), ``patterns`` and ``atoms`` (the regexes; atoms are digit
strings, number words, dates in digits...), ``parse`` (atoms -> one number),
``context`` and ``find`` (ranges, percents, kinds).

Decisions on ambiguous forms (each has test rows):

* «/» between digits is a decimal point («۲/۵» = 2.5, Fars «5/2 ميليارد» =
  5.2e9), except in dates («۱۴۰۴/۰۶/۰۱», «1398/5») and after «ساعت» (a time).
* «بیلیون» is 1e9 (as «میلیارد»); the JSON holds it if that must change.
  «همت» is a unit, not a scale. «ربع» is not read as 1/4.
* Vague quantities («دهها»، «صدها»، «هزاران»، «چند هزار»، «میلیون‌ها») are not
  numbers and suppress the scale word that follows them.
* Bare «یک» and «نه» (article / "no") are reported only before a unit word or
  a percent marker, or as a range end; «یک میلیون», «یک سوم», «یک و نیم» count.
* «X هزار و Y میلیارد» is (X*1000+Y) billion; «۲ میلیون و ۳ میلیون» and
  «۲.۵ میلیارد و ۱.۲ میلیون» are lists; «۱۰ و ۲۰» (digits, no scale) is a list.
* A scale or percent written only after the second number of a range or of a
  change «از X به Y» applies to the first one too (when that keeps the order).
* «تا»/«الی»/«بین X و Y» ranges must rise; dash ranges may be written either
  way («17-15 سال»); bounds are always sorted (low <= high).
* A bare 4-digit year-like number is a quantity unless «سال»-like or weak
  («در»، «از»، «تا»...) context, a month or a year suffix makes it a year.
* A percent sign before the number («% 12») is a percent marker.
* Non-quantities carry the number they name in ``value`` where one exists
  (year 97, ordinal 3, «ماده ۱۰» -> 10, «ده ماهه» -> 10); dates, times and
  phone-like identifiers carry None. Non-integral values are floats
  (2.5, «یک سوم» -> 0.333...); integral ones are ints, computed exactly.
* A run of more than 18 digits («شماره حساب 123456789012345678901») is an
  identifier with value None, never a quantity. An integral value outside a
  signed 64-bit integer (only scale words can make one: «۲۰ میلیون تریلیون»)
  is given as a float, so every int value fits JSON writers such as orjson.
"""

from __future__ import annotations

from .find import NumberMatch, find_numbers
from .parse import parse_number

__all__ = ["NumberMatch", "find_numbers", "parse_number"]
