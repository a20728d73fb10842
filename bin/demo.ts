// `npm run demo`: the README's main job. The renewal workflow it runs is not built yet.
process.stderr.write(
  [
    'trustpoint demo: not built yet.',
    'The demo runs the renewal workflow (renew-fleet) against three simulated ASAs with a local CA;',
    'that workflow is tracked as the "renewal workflow" issue and has not landed.',
    'What works today: `npx trustpoint --help` (certificate tools: csr, ca, pkcs12).',
    '',
  ].join('\n'),
);
process.exitCode = 1;
