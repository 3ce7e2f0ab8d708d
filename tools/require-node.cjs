// Stops `npm ci`, `npm start` and `npm test` at once, with one line, on a Node.js older than the engine needs (the .ts
// sources run through Node's own type stripping). Plain CommonJS, so that any old Node can run it.
'use strict';
const required = 24;
const major = Number(process.versions.node.split('.')[0]);
if (major < required) {
  process.stderr.write(
    `seqr-cashback needs Node.js ${required} or newer, and this is ${process.version}: ` +
      `install Node.js ${required} LTS (\`nvm install\` reads .nvmrc; or https://nodejs.org).\n`,
  );
  process.exit(1);
}
