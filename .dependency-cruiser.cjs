// Import rules, checked by the lint step of `npm test` (`npm run lint`):
//   depcruise --config .dependency-cruiser.cjs .
// Type-only imports count: a cycle through `import type` still ties two files together, and
// splitting them later means untangling it first.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment:
        'Files import each other in a loop. Move what both need into a third file that neither imports back.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'no-circular-folders',
      severity: 'error',
      scope: 'folder',
      comment:
        "web's folders import each other in a loop. Keep the direction: app → components/board (the canvas that assembles the features) → feature folders → components/board-context → lib; move what goes against it.",
      from: { path: '^web/' },
      to: { circular: true },
    },
    {
      name: 'web-lib-not-components',
      severity: 'error',
      comment:
        'web/lib is what the components build on; it never imports from web/components. Move the shared piece into web/lib.',
      from: { path: '^web/lib/' },
      to: { path: '^web/components/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(node_modules|\\.next[^/]*|dist|\\.data|\\.scratch|\\.turbo|coverage)/|^web/public/' },
    // Every `import type` is a dependency too (see above).
    tsPreCompilationDeps: true,
    // web's `@/*` is the repo's only tsconfig `paths`; the tsconfig-paths plugin resolves them
    // from the working directory (run from the repo root), so the cruise has its own tsconfig that
    // maps them from there.
    // The workspace packages resolve through their node_modules links to their sources.
    tsConfig: { fileName: '.dependency-cruiser.tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.tsx', '.mts', '.cts', '.js', '.mjs', '.cjs', '.json'],
    },
  },
}
