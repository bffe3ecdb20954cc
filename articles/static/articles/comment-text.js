// The rules for a comment's text: a line-for-line mirror of articles/comment_text.py,
// so the counter under the box and the server always count the same thing.

export const STRIPPED = new RegExp(
  "[\\u0000-\\u0008\\u000b-\\u001f\\u007f-\\u009f\\u061c\\u200b\\u200e\\u200f\\u202a-\\u202e\\u2060" +
    "\\u2066-\\u2069\\ufeff\\u115f\\u1160\\u3164\\uffa0]",
  "g",
);
const SPACE = "[ \\t\\n\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]";
const EDGE_SPACE = new RegExp(`^${SPACE}+|${SPACE}+$`, "g");
const INVISIBLE_ONLY = new RegExp("^[ \\t\\n\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\u200c\\u200d]*$");
// Combining marks kept on one character; more ("Zalgo" text) would draw over the comments around it.
export const MAX_MARKS_PER_CHARACTER = 3;
const STACKING_MARK = /^[\p{Mn}\p{Me}]$/u;
const FORMAT = /^\p{Cf}$/u;

/** The text as the server stores and counts it. */
export function normalizeComment(text) {
  let normalized = (text || "").normalize("NFC");
  normalized = normalized.replace(/\r\n/g, "\n").replace(/\r/g, "\n");
  normalized = normalized.replace(STRIPPED, "");
  normalized = normalized.replace(EDGE_SPACE, "");
  normalized = capMarks(normalized);
  return INVISIBLE_ONLY.test(normalized) ? "" : normalized;
}

/** The text with at most MAX_MARKS_PER_CHARACTER combining marks on each character (the first ones kept). */
export function capMarks(text) {
  const kept = [];
  let marks = 0;
  for (const character of text) {
    if (STACKING_MARK.test(character)) {
      marks += 1;
      if (marks > MAX_MARKS_PER_CHARACTER) continue;
    } else if (!FORMAT.test(character)) {
      marks = 0;
    }
    kept.push(character);
  }
  return kept.join("");
}

/** Characters as readers count them: Unicode code points, not UTF-16 units. */
export function commentLength(text) {
  return [...normalizeComment(text)].length;
}
