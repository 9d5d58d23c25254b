// Runs the five built services side by side for development, printing their JSON logs as
// readable lines: time, service, level, context, message, then any other fields.
// Ctrl-C (or SIGTERM) stops them gracefully; a second Ctrl-C kills them.
const { spawn } = require('node:child_process');
const { join } = require('node:path');
const { createInterface } = require('node:readline');

const root = join(__dirname, '../..');
const services = ['gateway', 'scout', 'hunter', 'oracle', 'sentinel'];
const colors = { gateway: 36, scout: 32, hunter: 33, oracle: 35, sentinel: 34 };
const levels = { trace: 90, debug: 90, info: 37, warn: 33, error: 31, fatal: 41 };
const color = process.stdout.isTTY ? (code, text) => `\x1b[${code}m${text}\x1b[0m` : (_code, text) => text;
const hidden = new Set(['level', 'time', 'service', 'context', 'msg', 'trace_id', 'span_id', 'pid', 'hostname']);

function format(name, raw) {
  let line;
  try {
    line = JSON.parse(raw);
  } catch {
    return `${color(colors[name], name.padEnd(8))} ${raw}`;
  }
  const time = (line.time ?? new Date().toISOString()).slice(11, 23);
  const level = color(levels[line.level] ?? 37, String(line.level ?? 'info').toUpperCase().padEnd(5));
  const context = line.context ? color(90, `[${line.context}] `) : '';
  const extra = Object.entries(line)
    .filter(([key]) => !hidden.has(key))
    .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join(' ');
  const trace = line.trace_id ? color(90, ` trace=${line.trace_id.slice(0, 8)}`) : '';
  return `${time} ${color(colors[name], name.padEnd(8))} ${level} ${context}${line.msg ?? ''}${extra ? ` ${color(90, extra)}` : ''}${trace}`;
}

const children = services.map((name) => {
  const child = spawn(process.execPath, [join(root, 'dist/apps', name, 'main.js')], {
    cwd: root,
    env: process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on('line', (raw) => process.stdout.write(`${format(name, raw)}\n`));
  }
  child.on('exit', (code, signal) => {
    process.stdout.write(`${color(colors[name], name.padEnd(8))} exited (${signal ?? code})\n`);
    if (!stopping) stop(code ?? 1);
  });
  return child;
});

let stopping = false;
function stop(exitCode = 0) {
  if (stopping) {
    for (const child of children) child.kill('SIGKILL');
    return;
  }
  stopping = true;
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
  Promise.all(children.map((child) => (child.exitCode !== null ? null : new Promise((r) => child.once('exit', r))))).then(() =>
    process.exit(exitCode),
  );
}

process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));
process.stdout.write('Sokoul: gateway http://127.0.0.1:3000 (API under /api/v1, WebSocket /ws) — Ctrl-C stops everything\n');
