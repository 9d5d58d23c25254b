const { NxAppWebpackPlugin } = require('@nx/webpack/app-plugin');
const { join } = require('node:path');

// One bundle of the app and the @sokoul/* libs it uses; node_modules stay external and the
// generated package.json lists only the dependencies this service needs (for its image).
module.exports = {
  output: { path: join(__dirname, '../../dist/apps/sentinel'), clean: true },
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
  ],
};
