// Nest's decorators read design-time metadata through reflect-metadata.
require('reflect-metadata');
