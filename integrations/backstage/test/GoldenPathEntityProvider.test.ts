import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { ConfigReader } from '@backstage/config';
import type { LoggerService } from '@backstage/backend-plugin-api';
import type { EntityProviderConnection, EntityProviderMutation } from '@backstage/plugin-catalog-node';
import { GoldenPathEntityProvider, readGoldenPathPlatformConfig } from '../src';

type Handler = (request: IncomingMessage, response: ServerResponse) => void;

interface FakeServer {
  url: string;
  requests: IncomingMessage[];
  close(): Promise<void>;
}

async function serve(handler: Handler): Promise<FakeServer> {
  const requests: IncomingMessage[] = [];
  const server: Server = createServer((request, response) => {
    requests.push(request);
    handler(request, response);
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, requests, close: () => new Promise(resolve => server.close(() => resolve())) };
}

function json(response: ServerResponse, body: unknown, link?: string): void {
  response.writeHead(200, { 'Content-Type': 'application/json', ...(link ? { Link: link } : {}) });
  response.end(JSON.stringify(body));
}

function component(name: string, owner: string) {
  return { apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: { name }, spec: { type: 'service', lifecycle: 'production', owner: `group:${owner}`, system: 'system:shop' } };
}

function fullEntities(mutation: EntityProviderMutation) {
  assert.equal(mutation.type, 'full');
  return mutation.type === 'full' ? mutation.entities : [];
}

class RecordingConnection implements EntityProviderConnection {
  readonly mutations: EntityProviderMutation[] = [];

  async applyMutation(mutation: EntityProviderMutation): Promise<void> {
    this.mutations.push(mutation);
  }

  async refresh(): Promise<void> {}
}

const silent: LoggerService = {
  error() {},
  warn() {},
  info() {},
  debug() {},
  child() {
    return silent;
  },
};

function provider(url: string, token = 'read-token', pageSize = 2) {
  const config = readGoldenPathPlatformConfig(new ConfigReader({ goldenpath: { platform: { url, token }, pageSize } }));
  return new GoldenPathEntityProvider(config, silent);
}

describe('GoldenPathEntityProvider', () => {
  let platform: FakeServer;
  let elsewhere: FakeServer;

  before(async () => {
    elsewhere = await serve((_, response) => json(response, [component('stolen', 'thieves')]));
    platform = await serve((request, response) => {
      const url = new URL(request.url!, 'http://platform');
      if (request.headers.authorization !== 'Bearer read-token') {
        response.writeHead(401).end();
      } else if (url.searchParams.get('after') === 'component:b') {
        json(response, [{ apiVersion: 'backstage.io/v1alpha1', kind: 'Group', metadata: { name: 'payments' }, spec: { type: 'team', children: [] } }]);
      } else {
        json(response, [component('a', 'payments'), component('b', 'payments')], `</api/v1/entities?limit=2&after=component%3Ab>; rel="next"`);
      }
    });
  });

  after(async () => {
    await platform.close();
    await elsewhere.close();
  });

  it('reads every page of the feed and applies it as one full mutation, each entity marked with the feed as its location', async () => {
    const connection = new RecordingConnection();
    const subject = provider(platform.url);
    await subject.connect(connection);

    await subject.refresh();

    assert.equal(connection.mutations.length, 1);
    const entities = fullEntities(connection.mutations[0]);
    assert.deepEqual(entities.map(e => `${e.entity.kind}:${e.entity.metadata.name}`), ['Component:a', 'Component:b', 'Group:payments']);
    for (const { entity, locationKey } of entities) {
      assert.equal(locationKey, subject.getProviderName());
      assert.equal(entity.metadata.annotations?.['backstage.io/managed-by-location'], `url:${platform.url}/api/v1/entities`);
      assert.equal(entity.metadata.annotations?.['backstage.io/managed-by-origin-location'], `url:${platform.url}/api/v1/entities`);
    }
  });

  it('a full mutation without a service that left the platform is what deletes it from the catalog', async () => {
    let services = ['a', 'b'];
    const shrinking = await serve((_, response) => json(response, services.map(s => component(s, 'payments'))));
    try {
      const connection = new RecordingConnection();
      const subject = provider(shrinking.url, 'read-token', 100);
      await subject.connect(connection);

      await subject.refresh();
      services = ['a'];
      await subject.refresh();

      assert.equal(connection.mutations.length, 2);
      assert.deepEqual(fullEntities(connection.mutations[0]).map(e => e.entity.metadata.name), ['a', 'b']);
      assert.deepEqual(fullEntities(connection.mutations[1]).map(e => e.entity.metadata.name), ['a']);
    } finally {
      await shrinking.close();
    }
  });

  it('never follows a next link to another origin, so the platform token is never sent there', async () => {
    const redirecting = await serve((_, response) => json(response, [component('a', 'payments')], `<${elsewhere.url}/api/v1/entities?after=x>; rel="next"`));
    try {
      const connection = new RecordingConnection();
      const subject = provider(redirecting.url);
      await subject.connect(connection);

      await assert.rejects(subject.refresh(), /refusing to send the platform token there/);

      assert.equal(elsewhere.requests.length, 0);
      assert.equal(connection.mutations.length, 0);
    } finally {
      await redirecting.close();
    }
  });

  it('a failed read applies nothing, so a platform that is down does not empty the catalog', async () => {
    const failing = await serve((_, response) => response.writeHead(503).end());
    try {
      const connection = new RecordingConnection();
      const subject = provider(failing.url);
      await subject.connect(connection);

      await assert.rejects(subject.refresh(), /answered 503/);

      assert.equal(connection.mutations.length, 0);
    } finally {
      await failing.close();
    }
  });

  it('a rejected token is reported with the setting to fix', async () => {
    const subject = provider(platform.url, 'wrong-token');
    await subject.connect(new RecordingConnection());

    await assert.rejects(subject.refresh(), /401.*GOLDENPATH_PLATFORM_TOKEN/);
  });

  it('refuses an entity of a kind the feed never publishes, such as a Location that would make the catalog read other URLs', async () => {
    const smuggling = await serve((_, response) => json(response, [
      component('a', 'payments'),
      { apiVersion: 'backstage.io/v1alpha1', kind: 'Location', metadata: { name: 'x' }, spec: { type: 'url', target: 'http://169.254.169.254/' } },
    ]));
    try {
      const connection = new RecordingConnection();
      const subject = provider(smuggling.url);
      await subject.connect(connection);

      await assert.rejects(subject.refresh(), /Location 'x'.*publishes only/);

      assert.equal(connection.mutations.length, 0);
    } finally {
      await smuggling.close();
    }
  });

  it('refuses a configuration without a token, naming the environment variable to set', () => {
    for (const platform of [{ url: 'https://platform.example.com', token: '' }, { url: 'https://platform.example.com' }]) {
      assert.throws(
        () => readGoldenPathPlatformConfig(new ConfigReader({ goldenpath: { platform } })),
        /goldenpath\.platform\.token.*GOLDENPATH_PLATFORM_TOKEN/,
      );
    }
  });

  it('refuses a platform URL with a path, naming the base URL to write', () => {
    assert.throws(
      () => readGoldenPathPlatformConfig(new ConfigReader({ goldenpath: { platform: { url: 'https://platform.example.com/api/v1/entities', token: 't' } } })),
      /has a path or query.*https:\/\/platform\.example\.com/,
    );
  });
});
