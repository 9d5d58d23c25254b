// Run in the image build after `npm install --os=<os> --cpu=<cpu> --ignore-scripts`: lists every
// native addon under node_modules and whether it has a binary for the target (a prebuild its
// package ships in prebuilds/<os>-<cpu>/, or one compiled into build/Release). A required addon
// without one fails the build; an optional one is reported (its user falls back without it).
//   node native-addons.js linux arm64 [node_modules]
'use strict';
const { existsSync, readdirSync, readFileSync } = require('node:fs');
const { join } = require('node:path');

const [os, cpu, root = 'node_modules'] = process.argv.slice(2);
if (!os || !cpu) {
  process.stderr.write('usage: node native-addons.js <os> <cpu> [node_modules]\n');
  process.exit(2);
}
const platform = `${os}-${cpu}`;
// npm's record of what it installed: which packages are optional.
const lock = JSON.parse(readFileSync(join(root, '.package-lock.json'), 'utf8')).packages ?? {};

function* packages(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    if (entry.name.startsWith('@')) {
      yield* packages(path);
      continue;
    }
    if (existsSync(join(path, 'package.json'))) yield path;
    if (existsSync(join(path, 'node_modules'))) yield* packages(join(path, 'node_modules'));
  }
}

/** The .node files directly in a folder (none when it is missing or not a folder). */
function binaries(dir) {
  try {
    return readdirSync(dir).filter((file) => file.endsWith('.node'));
  } catch {
    return [];
  }
}

let missingRequired = 0;
for (const path of packages(root)) {
  // A Node.js addon: built with node-gyp, or shipping .node prebuilds. (Packages made for the Bare
  // runtime, such as bare-fs under random-access-file, ship .bare files that Node never loads.)
  const prebuilds = join(path, 'prebuilds');
  const shipsNodePrebuilds = existsSync(prebuilds) && readdirSync(prebuilds).some((dir) => binaries(join(prebuilds, dir)).length > 0);
  if (!existsSync(join(path, 'binding.gyp')) && !shipsNodePrebuilds) continue;
  // glibc targets (Debian): a musl-only prebuild does not count.
  const prebuilt = binaries(join(path, 'prebuilds', platform)).filter((file) => !file.includes('musl'));
  const compiled = binaries(join(path, 'build', 'Release'));
  const optional = lock[path.replaceAll('\\', '/')]?.optional === true;
  const { name, version } = JSON.parse(readFileSync(join(path, 'package.json'), 'utf8'));
  if (prebuilt.length + compiled.length > 0) {
    process.stdout.write(`native addon ${name}@${version}: ${platform} binary present\n`);
  } else if (optional) {
    process.stdout.write(`native addon ${name}@${version}: no ${platform} binary; optional, its users do without it\n`);
  } else {
    process.stderr.write(`native addon ${name}@${version}: no ${platform} binary and it is required\n`);
    missingRequired += 1;
  }
}
process.exit(missingRequired ? 1 : 0);
