import {
  coreServices,
  createBackendModule,
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
  type SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import { catalogProcessingExtensionPoint } from '@backstage/plugin-catalog-node';
import { readGoldenPathPlatformConfig } from './config';
import { GoldenPathEntityProvider } from './GoldenPathEntityProvider';

/** Every five minutes: the platform's feed is cheap to read, and a catalog a few minutes behind is what Backstage users expect. */
const DEFAULT_SCHEDULE: SchedulerServiceTaskScheduleDefinition = {
  frequency: { minutes: 5 },
  timeout: { minutes: 3 },
};

/**
 * The catalog module that ingests the GoldenPath platform's catalog: add it to the backend with
 * `backend.add(import('@goldenpath/plugin-catalog-backend-module-goldenpath'))` and configure `goldenpath` in app-config.yaml.
 */
export const catalogModuleGoldenPath = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'goldenpath',
  register(env) {
    env.registerInit({
      deps: {
        catalog: catalogProcessingExtensionPoint,
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        scheduler: coreServices.scheduler,
      },
      async init({ catalog, config, logger, scheduler }) {
        const settings = readGoldenPathPlatformConfig(config);
        const schedule = config.has('goldenpath.schedule')
          ? readSchedulerServiceTaskScheduleDefinitionFromConfig(config.getConfig('goldenpath.schedule'))
          : DEFAULT_SCHEDULE;
        catalog.addEntityProvider(new GoldenPathEntityProvider(settings, logger, scheduler.createScheduledTaskRunner(schedule)));
      },
    });
  },
});
