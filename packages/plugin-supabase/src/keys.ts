/**
 * The object key for a path: ASCII letters, digits, `.`, `_`, `-` and `/` as they are, any other
 * character as `(<hex code point>)`. Storage versions before 2025 accept only ASCII keys (later ones
 * take most of Unicode), and supabase-js puts keys into URLs unescaped; this form is valid for both.
 * It is one-to-one (`(` itself is escaped), so two run paths never share a key, and plain names such as
 * `record/1/frame-0001.jpg` read the same in the dashboard.
 */
export function objectKey(path: string): string {
  return path.replace(/[^A-Za-z0-9._/-]/gu, (c) => `(${c.codePointAt(0)!.toString(16)})`);
}
