"""Official seals (公章): find red stamps on a page, read their text, decide whose they are.

- :mod:`.color`  — a white-balanced "redness" map (red ink stands out on white, grey, tinted or
  phone-photographed paper; black text, grey and blue ink do not);
- :mod:`.detect` — candidate stamps from the red map, kept only when they have a seal's shape:
  a closed ring (round or oval) or frame (square) with ink inside;
- :mod:`.read`   — polar unwrapping of the ring text and the horizontal lines inside, read with
  the page's own OCR recogniser;
- :mod:`.match`  — tolerant, cyclic comparison of the read text with the applicant's unit.
"""
