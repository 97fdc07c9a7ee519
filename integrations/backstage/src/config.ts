import type { RootConfigService } from '@backstage/backend-plugin-api';

/** The module's settings, read from `goldenpath` in app-config.yaml. */
export interface GoldenPathPlatformConfig {
  /** The platform's origin. */
  url: URL;
  /** A platform API token with the `read` scope. */
  token: string;
  /** Components (each with its Resources and APIs), Systems and Groups per page. */
  pageSize: number;
}

export const DEFAULT_PAGE_SIZE = 100;
const MAX_PAGE_SIZE = 500;

/** Reads and checks `goldenpath.platform` and `goldenpath.pageSize`; every mistake is named with where it is and what to write. */
export function readGoldenPathPlatformConfig(config: RootConfigService): GoldenPathPlatformConfig {
  const section = config.getConfig('goldenpath');
  const rawUrl = section.getString('platform.url');
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    throw new Error(`goldenpath.platform.url '${rawUrl}' in app-config.yaml is not an absolute URL; write the platform's base URL, e.g. https://platform.example.com`);
  }

  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new Error(`goldenpath.platform.url '${rawUrl}' in app-config.yaml is not an http(s) URL; write the platform's base URL, e.g. https://platform.example.com`);
  }

  if (url.pathname !== '/' || url.search || url.hash) {
    throw new Error(`goldenpath.platform.url '${rawUrl}' in app-config.yaml has a path or query; write the platform's base URL only (${url.origin}): the module reads ${url.origin}/api/v1/entities`);
  }

  // An unset environment variable leaves the key out, an empty one leaves ''; both are named the same way.
  const token = section.getOptional('platform.token');
  if (typeof token !== 'string' || token.trim() === '') {
    throw new Error('goldenpath.platform.token in app-config.yaml is empty; write `token: ${GOLDENPATH_PLATFORM_TOKEN}` and set that environment variable to a platform token with the read scope');
  }

  const pageSize = section.getOptionalNumber('pageSize') ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
    throw new Error(`goldenpath.pageSize ${pageSize} in app-config.yaml is not a whole number from 1 to ${MAX_PAGE_SIZE}`);
  }

  return { url: new URL(url.origin), token, pageSize };
}
