const { NxAppWebpackPlugin } = require('@nx/webpack/app-plugin');
const { readFileSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

const output = join(__dirname, '../../dist/apps/hunter');

/**
 * webtorrent is ESM-only and loaded at run time through `createRequire` (see
 * libs/hunter/webtorrent), which neither webpack nor Nx's dependency scan can see: add it to
 * the generated package.json by hand, at the root's exact version, so the image installs it.
 */
class RuntimeDependenciesPlugin {
  apply(compiler) {
    compiler.hooks.afterEmit.tap('RuntimeDependenciesPlugin', () => {
      const root = JSON.parse(readFileSync(join(__dirname, '../../package.json'), 'utf8'));
      const file = join(output, 'package.json');
      const generated = JSON.parse(readFileSync(file, 'utf8'));
      generated.dependencies = { ...generated.dependencies, webtorrent: root.dependencies.webtorrent };
      writeFileSync(file, `${JSON.stringify(generated, null, 2)}\n`);
    });
  }
}

// One bundle of the app and the @sokoul/* libs it uses; node_modules stay external and the
// generated package.json lists only the dependencies this service needs (for its image).
module.exports = {
  output: { path: output, clean: true },
  devtool: 'source-map',
  plugins: [
    new NxAppWebpackPlugin({
      target: 'node',
      compiler: 'tsc',
      main: './src/main.ts',
      tsConfig: './tsconfig.app.json',
      optimization: false,
      outputHashing: 'none',
      generatePackageJson: true,
      sourceMap: true,
    }),
    new RuntimeDependenciesPlugin(),
  ],
};
