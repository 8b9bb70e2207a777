// Where the installed package's dist/ is, for code that an application bundled into its own
// file (esbuild, …): there `import.meta.url` is the application's bundle, not dist/, so the
// worker and launcher bundles are not beside it. Node's resolution from the application finds
// the package in its node_modules (where it must be anyway: koffi's native addon and the
// sealed worker's files are loaded from there). A bundler leaves `createRequire(…).resolve`
// alone: it runs at run time.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** dist/ of the `pvf-runtime` that `fromUrl` resolves to, or undefined when none does. */
export function installedDist(fromUrl: string): string | undefined {
  try {
    return join(dirname(createRequire(fromUrl).resolve('pvf-runtime/package.json')), 'dist');
  } catch {
    return undefined;
  }
}
