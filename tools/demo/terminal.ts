/**
 * How the demo writes to the terminal: plain `process.stdout` (no logger: this is a CLI's
 * output, not a service's log), with colours only on a terminal and never with NO_COLOR set.
 */
const colours = process.stdout.isTTY && !process.env['NO_COLOR'];
const paint = (code: number) => (text: string) => (colours ? `\x1b[${code}m${text}\x1b[0m` : text);

export const bold = paint(1);
export const dim = paint(2);
export const red = paint(31);
export const green = paint(32);
export const yellow = paint(33);
const cyan = paint(36);

export function line(text = ''): void {
  process.stdout.write(`${text}\n`);
}

export function heading(step: string, title: string): void {
  line();
  line(`${cyan(step)} ${bold(title)}`);
}

export function ok(text: string): void {
  line(`  ${green('✓')} ${text}`);
}

export function fail(text: string): void {
  process.stderr.write(`${red('✗')} ${text}\n`);
}
