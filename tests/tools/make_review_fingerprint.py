"""Write src/icitrace/rulebase/review_fingerprint.txt: hashes of every run of 8 words in the source review.

`icitrace rules lint` uses it to refuse explanations that copy the review, without the project ever
holding the review's text. Run from the project root when the review changes:

    python tests/tools/make_review_fingerprint.py ../shared/seed/*.txt
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "src"))

from icitrace.rulebase.review_fingerprint import shingles  # noqa: E402

text = "\n".join(Path(p).read_text(encoding="utf-8", errors="ignore") for p in sys.argv[1:])
target = Path(__file__).resolve().parents[2] / "src" / "icitrace" / "rulebase" / "review_fingerprint.txt"
target.write_text("\n".join(sorted(shingles(text))) + "\n")
print(f"{target}: {len(shingles(text))} hashed 8-word runs")
