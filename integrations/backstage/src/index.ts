/**
 * A Backstage catalog module that ingests the GoldenPath platform's catalog.
 *
 * @packageDocumentation
 */
export { catalogModuleGoldenPath as default } from './module';
export { GoldenPathEntityProvider, type FeedRead } from './GoldenPathEntityProvider';
export { readGoldenPathPlatformConfig, type GoldenPathPlatformConfig } from './config';
