// The images' HEALTHCHECK: GET /health/live on the service's own port (<SERVICE>_PORT, else its
// default) and exit 0 on a 200. Plain node:http: the slim base images have no curl or wget.
'use strict';
const http = require('node:http');

const DEFAULT_PORTS = { gateway: 3000, scout: 3001, hunter: 3002, oracle: 3003, sentinel: 3004 };
const service = process.env.SOKOUL_SERVICE ?? '';
const port = Number(process.env[`${service.toUpperCase()}_PORT`] || DEFAULT_PORTS[service]);
if (!Number.isInteger(port)) {
  process.stderr.write(`healthcheck: unknown service "${service}" (SOKOUL_SERVICE)\n`);
  process.exit(2);
}

const request = http.get({ host: '127.0.0.1', port, path: '/health/live', timeout: 4000 }, (response) => {
  response.resume();
  process.exit(response.statusCode === 200 ? 0 : 1);
});
request.on('timeout', () => request.destroy(new Error('timed out')));
request.on('error', (error) => {
  process.stderr.write(`healthcheck: ${error.message}\n`);
  process.exit(1);
});
