// A Backstage backend with the catalog and this module only, as a platform team's backend adds it (packages/backend/src/index.ts).
// It runs the module against a real platform: `npm run build && npm start -- --config dev/app-config.yaml`.
import { createBackend } from '@backstage/backend-defaults';

const backend = createBackend();
backend.add(import('@backstage/plugin-catalog-backend'));
backend.add(import('../src'));
backend.start();
