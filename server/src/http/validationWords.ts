// Turns a schema validation failure into words a person reads: "Email: enter a valid
// email address", never "body.email: Invalid email address".

export interface FieldProblem {
  field: string;
  message: string;
}

const RULES: [RegExp, (m: RegExpExecArray) => string][] = [
  [/^Invalid email/i, () => 'enter a valid email address'],
  [/Too small: expected string to have >=1 characters?/i, () => 'is required'],
  [/Too small: expected string to have >=(\d+) characters?/i, (m) => `must be at least ${m[1]} characters`],
  [/Too big: expected string to have <=(\d+) characters?/i, (m) => `must be at most ${m[1]} characters`],
  [/Too small: expected array to have >=(\d+) items?/i, (m) => `needs at least ${m[1]}`],
  [/Too big: expected array to have <=(\d+) items?/i, (m) => `can have at most ${m[1]}`],
  [/Too small: expected number to be >=(-?[\d.]+)/i, (m) => `must be at least ${m[1]}`],
  [/Too big: expected number to be <=(-?[\d.]+)/i, (m) => `must be at most ${m[1]}`],
  [/expected \w+, received undefined/i, () => 'is required'],
  [/^Invalid UUID/i, () => 'is not a valid id'],
  [/^Invalid ISO datetime/i, () => 'must be a date and time'],
  [/^Invalid option: expected one of (.*)$/i, (m) => `must be one of ${(m[1] ?? '').replaceAll('|', ', ').replaceAll('"', '')}`],
  [/^Invalid input: expected (\w+), received (\w+)/i, (m) => `must be a ${m[1]}`],
  [/^Unrecognized key/i, () => 'is not expected here'],
];

/** "currentPassword" -> "Current password"; array indices become "item N". */
export function fieldLabel(path: string): string {
  const parts = path.split(/[./]/).filter(Boolean);
  const words = parts.map((p) => (/^\d+$/.test(p) ? `item ${Number(p) + 1}` : p.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/_/g, ' ').toLowerCase()));
  const s = words.join(', ');
  return s.charAt(0).toUpperCase() + s.slice(1);
}

export function wordsFor(message: string): string {
  for (const [re, say] of RULES) {
    const m = re.exec(message);
    if (m) return say(m);
  }
  return message.charAt(0).toLowerCase() + message.slice(1);
}

/** One sentence for the whole failure, and one entry per field. */
export function describeProblems(issues: readonly { instancePath?: string; message?: string }[]): { message: string; fields: FieldProblem[] } {
  const fields = issues.map((i) => ({ field: (i.instancePath ?? '').replace(/^\//, '').replaceAll('/', '.'), message: wordsFor(i.message ?? 'is invalid') }));
  const sentences = fields.map((f) => {
    if (!f.field) return f.message.charAt(0).toUpperCase() + f.message.slice(1);
    return `${fieldLabel(f.field)}: ${f.message}`;
  });
  const message = `${[...new Set(sentences)].join('. ')}.`.replace(/\.\.$/, '.');
  return { message, fields };
}
