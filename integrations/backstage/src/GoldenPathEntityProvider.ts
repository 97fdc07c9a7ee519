import type { Entity } from '@backstage/catalog-model';
import type { LoggerService, SchedulerServiceTaskRunner } from '@backstage/backend-plugin-api';
import type { DeferredEntity, EntityProvider, EntityProviderConnection } from '@backstage/plugin-catalog-node';
import type { GoldenPathPlatformConfig } from './config';

/** The annotations with which the catalog tells which location an entity came from. */
const MANAGED_BY_LOCATION = 'backstage.io/managed-by-location';
const ORIGIN_LOCATION = 'backstage.io/managed-by-origin-location';

/** The kinds the platform's feed publishes; anything else in it is a mistake, not something to ingest. */
const FEED_KINDS = new Set(['Component', 'System', 'Group', 'Resource', 'API']);

/** What one read of the platform's catalog found. */
export interface FeedRead {
  entities: Entity[];
  pages: number;
}

/**
 * Reads the GoldenPath platform's catalog (`GET /api/v1/entities`, every page) and hands it to Backstage's catalog as
 * a full mutation: what the platform publishes is added or updated, and what it no longer publishes (a service that
 * left the platform, a System or team with no services left) is deleted from the catalog.
 *
 * A read that fails changes nothing: a platform that is down must not empty the catalog.
 */
export class GoldenPathEntityProvider implements EntityProvider {
  private connection?: EntityProviderConnection;

  constructor(
    private readonly config: GoldenPathPlatformConfig,
    private readonly logger: LoggerService,
    private readonly taskRunner?: SchedulerServiceTaskRunner,
  ) {}

  getProviderName(): string {
    return `goldenpath-platform:${this.config.url.host}`;
  }

  async connect(connection: EntityProviderConnection): Promise<void> {
    this.connection = connection;
    if (!this.taskRunner) {
      return;
    }

    await this.taskRunner.run({
      id: `${this.getProviderName()}:refresh`,
      fn: async () => {
        try {
          await this.refresh();
        } catch (error) {
          // The scheduler runs the task again at its next tick; until then the catalog keeps what it had.
          this.logger.error(`Could not read the GoldenPath catalog from ${this.config.url.origin}; the catalog keeps the entities of the last good read`, toError(error));
        }
      },
    });
  }

  /** Reads the whole feed and applies it as one full mutation. */
  async refresh(): Promise<void> {
    if (!this.connection) {
      throw new Error(`${this.getProviderName()} is not connected to the catalog yet: add it with catalogProcessingExtensionPoint.addEntityProvider and let the catalog start it`);
    }

    const started = Date.now();
    const read = await this.read();
    const location = `url:${this.feedUrl().toString()}`;
    const deferred: DeferredEntity[] = read.entities.map(entity => ({
      locationKey: this.getProviderName(),
      entity: {
        ...entity,
        metadata: {
          ...entity.metadata,
          annotations: {
            ...entity.metadata.annotations,
            [MANAGED_BY_LOCATION]: location,
            [ORIGIN_LOCATION]: location,
          },
        },
      },
    }));
    await this.connection.applyMutation({ type: 'full', entities: deferred });
    this.logger.info(`Read ${deferred.length} entities in ${read.pages} page(s) from the GoldenPath catalog at ${this.config.url.origin} in ${Date.now() - started} ms`);
  }

  /** Every page of the feed, following its `Link: <...>; rel="next"` header; never to another origin. */
  async read(): Promise<FeedRead> {
    const entities: Entity[] = [];
    let next: URL | undefined = this.feedUrl();
    next.searchParams.set('limit', String(this.config.pageSize));
    let pages = 0;
    const seen = new Set<string>();
    while (next) {
      if (seen.has(next.toString())) {
        throw new Error(`The GoldenPath catalog at ${this.config.url.origin} links page ${next} twice: its paging loops; check the platform's version`);
      }

      seen.add(next.toString());
      const response = await fetch(next, {
        headers: { Authorization: `Bearer ${this.config.token}`, Accept: 'application/json' },
        redirect: 'error',
      });
      if (!response.ok) {
        throw new Error(`GET ${next.pathname}${next.search} on the GoldenPath platform answered ${response.status} ${response.statusText}${hint(response.status)}`);
      }

      const page: unknown = await response.json();
      if (!Array.isArray(page)) {
        throw new Error(`GET ${next.pathname}${next.search} on the GoldenPath platform did not answer a JSON array of entities: is ${this.config.url.origin} a GoldenPath platform?`);
      }

      for (const item of page) {
        entities.push(checkEntity(item, next));
      }

      pages++;
      next = this.nextPage(response.headers.get('link'), next);
    }

    return { entities, pages };
  }

  private feedUrl(): URL {
    return new URL('/api/v1/entities', this.config.url);
  }

  private nextPage(link: string | null, current: URL): URL | undefined {
    const target = link?.split(',').map(part => /^\s*<([^>]*)>\s*;\s*rel="?next"?\s*$/.exec(part)).find(match => match)?.[1];
    if (target === undefined) {
      return undefined;
    }

    const url = new URL(target, current);
    if (url.origin !== this.config.url.origin) {
      // The token goes with every request: it must never be sent to where a response points.
      throw new Error(`The GoldenPath catalog at ${this.config.url.origin} linked its next page to ${url.origin}; refusing to send the platform token there`);
    }

    return url;
  }
}

function checkEntity(item: unknown, page: URL): Entity {
  const entity = item as Partial<Entity> | null;
  if (
    !entity || typeof entity !== 'object' || typeof entity.apiVersion !== 'string' || typeof entity.kind !== 'string' ||
    !entity.metadata || typeof entity.metadata.name !== 'string'
  ) {
    throw new Error(`The GoldenPath catalog page ${page.pathname}${page.search} holds an item that is not an entity (apiVersion, kind, metadata.name): ${JSON.stringify(item)?.slice(0, 200)}`);
  }

  if (!FEED_KINDS.has(entity.kind)) {
    throw new Error(`The GoldenPath catalog page ${page.pathname}${page.search} holds a ${entity.kind} '${entity.metadata.name}'; the feed publishes only ${[...FEED_KINDS].join(', ')}`);
  }

  return entity as Entity;
}

function hint(status: number): string {
  switch (status) {
    case 401:
      return ': the token was not accepted; set GOLDENPATH_PLATFORM_TOKEN (goldenpath.platform.token) to a live platform token';
    case 403:
      return ": the token may not read the catalog; give it the 'read' scope";
    case 429:
      return ': the platform limits its readers; read less often (goldenpath.schedule.frequency)';
    default:
      return '';
  }
}

function toError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
