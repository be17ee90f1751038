"""`make golden`: regenerate the golden HTML master of the sample; review the change as a diff."""

from tests.golden.master import GOLDEN, render_sample

GOLDEN.write_text(render_sample(), encoding="utf-8")
print(f"已更新 {GOLDEN}，请用 git diff 审阅变化。")
