/** Escapes text for HTML and SVG content and attribute values. */
export function esc(text: string | number): string {
  return String(text)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** JSON safe to inline in a `<script type="application/json">`: no `</script>` or `<!--` can appear. */
export function inlineJson(data: unknown): string {
  return JSON.stringify(data)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** A number rounded for SVG coordinates, so output does not depend on float noise. */
export function px(n: number): string {
  return String(Math.round(n * 10) / 10);
}

/** A small deterministic hash of a string, for picking a colour per lock class. */
export function hue(name: string): number {
  let h = 7;
  for (let i = 0; i < name.length; i++) h = (h * 31 + name.charCodeAt(i)) % 360;
  return h;
}
