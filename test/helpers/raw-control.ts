/** Any character a terminal may obey: C0, DEL, C1, line/paragraph separators, bidirectional controls. */
export const RAW_CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

/** Lines of `text` that hold a raw control character (its own line breaks aside). */
export function linesWithRawControl(text: string): string[] {
  return text.split('\n').filter((line) => RAW_CONTROL.test(line));
}
