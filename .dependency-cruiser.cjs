/**
 * The architecture's import directions (DESIGN.md §3), checked by
 * `npm run lint:deps` and by src/architecture.test.ts:
 *
 *   commands  ->  core, modules            (specs call services, render with presenters)
 *   modules   ->  core, infra              (features: entities, repositories, services)
 *   platforms ->  core, infra              (adapters translate; they get ports, not features)
 *   core      ->  nothing of ours but core (the command framework)
 *   infra     ->  core                     (database, kv, http, logs, metrics)
 *   src/app.ts, src/main.ts, scripts, bench, mikro-orm.config.ts: the composition root, may import anything.
 *
 * Tests wire real pieces together the way the composition root does, so they are exempt.
 */
const notTests = '\\.test\\.ts$';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'core-is-framework-only',
      comment: 'core is the command framework: it imports no platform, feature, command or infrastructure module.',
      severity: 'error',
      from: { path: '^src/core/', pathNot: notTests },
      to: { path: ['^src/platforms/', '^src/modules/', '^commands/', '^src/infra/', '^src/app\\.ts$', '^src/jobs/', '^src/ai/'] },
    },
    {
      name: 'modules-know-no-platform-or-command',
      comment: 'features never import a platform adapter or a command spec.',
      severity: 'error',
      from: { path: '^src/modules/', pathNot: notTests },
      to: { path: ['^src/platforms/', '^commands/', '^src/app\\.ts$'] },
    },
    {
      name: 'infra-knows-no-feature',
      comment: 'infrastructure gets the entity list and factories from the composition root.',
      severity: 'error',
      from: { path: '^src/infra/', pathNot: notTests },
      to: { path: ['^src/modules/', '^src/platforms/', '^commands/', '^src/app\\.ts$'] },
    },
    {
      name: 'platforms-know-no-feature',
      comment: 'adapters translate payloads and replies; what they need from the features comes through ports (src/core/ports.ts).',
      severity: 'error',
      from: { path: '^src/platforms/', pathNot: notTests },
      to: { path: ['^src/modules/', '^commands/'] },
    },
    {
      name: 'commands-know-no-infra',
      comment: 'command specs call services; they never reach the database, kv store or HTTP server directly.',
      severity: 'error',
      from: { path: '^commands/', pathNot: notTests },
      to: { path: ['^src/infra/', '^src/platforms/'] },
    },
    {
      name: 'no-circular-features',
      comment: 'a cycle between feature files hides which one owns a decision.',
      severity: 'warn',
      from: { path: '^src/modules/' },
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: ['node_modules', '\\.questlog'] },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
};
