const entities: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/** Text for HTML content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => entities[character] ?? character);
}

/**
 * JSON inside a <script> element: `<` written as \u003c so that no value can close the element
 * (`</script>`) or open a comment; the JSON means the same.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, "\\u003c")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}

/** A library's source inside a <script> element, with any `</script` broken up so it cannot end it. */
export function scriptSource(source: string): string {
  return source.replace(/<\/script/gi, "<\\/script");
}
